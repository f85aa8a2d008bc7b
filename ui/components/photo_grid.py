"""The live photo grid of a project: thumbnails with quality badges; tap for details."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC

from nicegui import ui

from stitchsketch.v1 import capture_pb2
from ui.components import tag
from ui.components.confirm import confirm
from ui.components.quality import quality_badge, reason_lines, verdict_of

Photo = capture_pb2.Photo
OnDelete = Callable[[Photo], Awaitable[bool]]


def media_url(photo: Photo, variant: str) -> str:
    # NOTE: served by ui.media, which streams from capture with the session's token.
    return f"/media/{photo.project_id}/{photo.id}/{variant}"


class PhotoGrid(ui.column):
    """Newest first; add/remove are idempotent, so events and replies can overlap."""

    def __init__(self, *, on_delete: OnDelete | None = None):
        super().__init__()
        self.classes("w-full gap-3")
        self._on_delete = on_delete
        self.photos: dict[str, Photo] = {}
        self._cards: dict[str, ui.card] = {}
        with self:
            self.summary = tag(ui.label().classes("text-lg text-slate-700"), "photo-summary")
            self.message = tag(ui.label().classes("text-lg text-amber-900"), "photo-message")
            self.message.set_visibility(False)
            self.grid = tag(
                ui.element("div")
                .classes("grid gap-3 w-full")
                .style("grid-template-columns: repeat(auto-fill, minmax(190px, 1fr))"),
                "photo-grid",
            )
        self._update_summary()

    def show_message(self, text: str) -> None:
        """A problem loading the photos (shown instead of failing the page)."""
        self.message.set_text(text)
        self.message.set_visibility(bool(text))

    def set_photos(self, photos: list[Photo]) -> None:
        self.grid.clear()
        self.photos.clear()
        self._cards.clear()
        for photo in photos:  # oldest first from capture: each new one goes to the top
            self.add_photo(photo)
        self._update_summary()

    def add_photo(self, photo: Photo) -> None:
        if photo.id in self._cards:
            return
        self.photos[photo.id] = photo
        with self.grid:
            card = self._card(photo)
        card.move(self.grid, target_index=0)
        self._cards[photo.id] = card
        self._update_summary()

    def remove_photo(self, photo_id: str) -> None:
        card = self._cards.pop(photo_id, None)
        self.photos.pop(photo_id, None)
        if card is not None:
            card.delete()
        self._update_summary()

    def _update_summary(self) -> None:
        counts = {"ok": 0, "warn": 0, "reject": 0}
        for photo in self.photos.values():
            verdict = verdict_of(photo)
            if verdict in counts:
                counts[verdict] += 1
        n = len(self.photos)
        if n == 0:
            self.summary.set_text(
                "No photos yet. Take some, add files, or start a capture so cameras send them here."
            )
            return
        parts = [f"{n} photo{'s' if n != 1 else ''}", f"{counts['ok']} OK"]
        if counts["warn"]:
            parts.append(f"{counts['warn']} to check")
        if counts["reject"]:
            parts.append(f"{counts['reject']} to retake")
        self.summary.set_text(" · ".join(parts))

    def _card(self, photo: Photo) -> ui.card:
        card = ui.card().classes("ss-card ss-tap p-0 gap-0 overflow-hidden")
        card.on("click", lambda p=photo: self._details(p))
        tag(card, f"photo-{photo.id[:12]}")
        with card:
            _img(media_url(photo, "thumb"), photo.filename, lazy=True).classes("ss-thumb block")
            with ui.column().classes("p-2 gap-1 w-full"):
                with ui.row().classes("w-full items-center gap-1 no-wrap"):
                    quality_badge(photo)
                    ui.label(photo.filename or photo.id[:12]).classes(
                        "text-sm text-slate-700 truncate"
                    )
                reasons = reason_lines(photo)
                if reasons:
                    ui.label(reasons[0]).classes("text-sm text-slate-600 line-clamp-2")
        return card

    def _details(self, photo: Photo) -> None:
        """Everything about one photo; the reasons are readable without hover."""
        with (
            ui.dialog() as dialog,
            ui.card().classes("ss-card p-4 gap-3 w-full").style("max-width: 820px"),
        ):
            variant = "full" if photo.format in ("jpeg", "png") else "thumb"
            _img(media_url(photo, variant), photo.filename).classes("w-full rounded-lg").style(
                "max-height: 55vh; object-fit: contain"
            )
            with ui.row().classes("items-center gap-2"):
                quality_badge(photo)
                ui.label(photo.filename).classes("text-xl font-medium")
            for line in reason_lines(photo):
                with ui.row().classes("items-start gap-2 no-wrap"):
                    ui.icon("report", color="warning", size="sm")
                    tag(ui.label(line).classes("text-lg"), "photo-reason")
            ui.label(_facts(photo)).classes("text-slate-600")
            with ui.row().classes("w-full justify-end gap-3"):
                if self._on_delete is not None:

                    async def delete() -> None:
                        sure = await confirm(f"Delete {photo.filename}?", yes="Delete", danger=True)
                        if sure and self._on_delete is not None and await self._on_delete(photo):
                            dialog.close()

                    tag(
                        ui.button("Delete photo", icon="delete", on_click=delete).props(
                            "outline color=negative size=lg no-caps"
                        ),
                        "photo-delete",
                    )
                tag(
                    ui.button("Close", on_click=dialog.close).props(
                        "unelevated size=lg no-caps color=primary"
                    ),
                    "photo-close",
                )
        # Closed by a button, by the server or by a tap outside: either way, gone.
        dialog.on_value_change(lambda e: None if e.value else dialog.delete())
        dialog.open()


def _facts(photo: Photo) -> str:
    q, exif = photo.quality, photo.exif
    facts = [f"{photo.width}×{photo.height} px ({q.megapixels:.1f} MP)"]
    if exif.focal_length_35mm:
        facts.append(f"{exif.focal_length_35mm:.0f} mm (35 mm equiv.)")
    facts.append(f"sharpness {q.sharpness:.0f}")
    facts.append(f"brightness {q.mean_brightness * 100:.0f} %")
    if photo.camera_id:
        facts.append(f"from {photo.camera_id}")
    if photo.HasField("received_time"):
        received = photo.received_time.ToDatetime(tzinfo=UTC).astimezone()
        facts.append(f"received {received:%d %b %H:%M}")
    return " · ".join(facts)


def _img(src: str, alt: str, *, lazy: bool = False) -> ui.element:
    img = ui.element("img")
    img.props["src"] = src
    img.props["alt"] = alt
    if lazy:
        img.props["loading"] = "lazy"
    return img
