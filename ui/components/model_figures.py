"""What a finished 3D model measures and how it was made: W × D × H in the shop's units,
how the scale was set, how many photos found their place, and the ones to retake."""

from __future__ import annotations

from nicegui import ui

from stitchsketch.v1 import reconstruction_pb2
from ui.components import tag
from ui.units import Units

Model = reconstruction_pb2.GetModelResponse
#: A mat fit worse than this (relative) is suspect: a page printed scaled, or curled.
POOR_MAT_FIT = 0.02
RETAKE_HINT = ("Retake {what} from about the same distance, sharing about a third of the "
               "view with the photo before, then build the model again.")


def scale_text(model: Model) -> tuple[str, str, str]:
    """(icon, colour, words) for how the model got its size."""
    if model.scale_source == "markers":
        pct = model.scale_residual * 100
        if model.scale_residual > POOR_MAT_FIT:
            return ("warning", "warning",
                    f"Measured with the mat, but it fits poorly (±{pct:.1f} %): check it was "
                    "printed at 100 % and lay flat, or enter a known length")
        return "verified", "positive", f"Measured with the mat (±{max(pct, 0.1):.1f} %)"
    if model.scale_source == "known_length":
        return "straighten", "info", "Sized from a length you entered"
    return ("warning", "warning",
            "Unscaled — no mat in the photos: tap two points and enter the distance")


def size_block(model: Model, units: Units) -> None:
    """The three figures, big, each with its word (colour never the only cue)."""
    d = model.dimensions
    with ui.row().classes("w-full items-end gap-3 no-wrap"):
        if not model.scaled:
            tag(ui.label("Size not known yet").classes("text-3xl font-semibold text-slate-500"),
                "model-size")
            return
        for i, (value, word, name) in enumerate((
            (d.width_m, "wide", "dim-width"),
            (d.depth_m, "deep", "dim-depth"),
            (d.height_m, "high", "dim-height"),
        )):
            if i:
                ui.label("×").classes("text-2xl text-slate-400 pb-5")
            with ui.column().classes("gap-0 items-start"):
                tag(ui.label(units.length(value)).classes(
                    "text-3xl font-semibold tabular-nums leading-tight"), name)
                ui.label(word).classes("text-slate-600")


def scale_line(model: Model) -> None:
    icon, color, text = scale_text(model)
    with ui.row().classes("w-full items-start gap-2 no-wrap"):
        ui.icon(icon, color=color, size="sm").classes("mt-1")
        tag(ui.label(text).classes("text-lg"), "scale-status")


def registration_line(model: Model) -> None:
    placed = f"{model.registered} of {model.images} photos placed"
    detail = f"fit {model.mean_reprojection_error_px:.2f} px · {model.triangles:,} triangles"
    with ui.row().classes("w-full items-center gap-2 no-wrap"):
        ok = model.registered == model.images
        ui.icon("photo_library", color="positive" if ok else "warning", size="sm")
        tag(ui.label(placed).classes("text-lg"), "registered")
        ui.label(detail).classes("text-sm text-slate-500")


def retakes(model: Model, project_id: str) -> None:
    """Thumbnails of the photos that did not fit, and what to do about them."""
    names = list(model.unregistered_filenames)
    if not names:
        return
    ids = list(model.unregistered_photo_ids) + [""] * len(names)
    count = len(names)
    with ui.column().classes("w-full gap-2"):
        with ui.row().classes("items-center gap-2"):
            ui.icon("report", color="warning", size="sm")
            tag(ui.label(f"{count} photo{'s' if count != 1 else ''} did not fit — retake "
                         f"{'these' if count != 1 else 'it'}").classes("text-lg font-medium"),
                "retake-title")
        what = "these" if count != 1 else "it"
        tag(ui.label(RETAKE_HINT.format(what=what)).classes("text-slate-700"), "retake-hint")
        with tag(ui.element("div").classes("grid gap-2 w-full").style(
                "grid-template-columns: repeat(auto-fill, minmax(120px, 1fr))"), "retakes"):
            for name, photo_id in zip(names, ids, strict=False):
                with ui.column().classes("gap-1"):
                    if photo_id:
                        # NOTE: served by ui.media from capture with the session's token.
                        ui.image(f"/media/{project_id}/{photo_id}/thumb").classes(
                            "ss-thumb rounded-lg")
                    else:
                        with ui.element("div").classes(
                                "ss-thumb rounded-lg flex items-center justify-center"):
                            ui.icon("image_not_supported", color="grey-7", size="lg")
                    tag(ui.label(name).classes("text-sm truncate w-full"), f"retake-{name}")
