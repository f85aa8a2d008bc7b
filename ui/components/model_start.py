"""Start a reconstruction: how many photos are ready, one big button per quality, and the
calibration mat to print before shooting."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from stitchsketch.v1 import capture_pb2
from ui.components import tag
from ui.components.mat_print import mat_print
from ui.components.quality import verdict_of

#: (key, words, what it is for, icon): big buttons, the usual choice in the middle.
QUALITIES = (
    ("preview", "Quick preview", "Check the photos cover the piece", "bolt"),
    ("normal", "Normal", "For patterns and quotes", "view_in_ar"),
    ("high", "High detail", "Finest surface; takes longest", "high_quality"),
)
QUALITY_WORDS = {key: words for key, words, *_ in QUALITIES}
#: The service refuses fewer; fewer than GOOD_PHOTOS often leaves holes.
MIN_PHOTOS, GOOD_PHOTOS = 3, 30

OnStart = Callable[[str], Awaitable[None]]


def photo_counts(photos: list[capture_pb2.Photo]) -> tuple[int, int]:
    """(usable, to retake): photos the quality checks rejected are left out by the service."""
    rejected = sum(1 for p in photos if verdict_of(p) == "reject")
    return len(photos) - rejected, rejected


class ModelStart(ui.column):
    def __init__(self, project_id: str, *, can_run: bool, metric: bool, on_start: OnStart):
        super().__init__()
        self.classes("w-full gap-3")
        self._project_id = project_id
        self._can_run = can_run
        self._on_start = on_start
        self.usable = 0
        self._buttons: list[ui.button] = []
        with self:
            with ui.row().classes("w-full items-center gap-3 no-wrap"):
                ui.icon("view_in_ar", size="lg", color="primary")
                with ui.column().classes("gap-0 grow min-w-0"):
                    ui.label("Build the 3D model from the photos").classes(
                        "text-2xl font-semibold")
                    self.photos = tag(ui.label("Counting the photos…").classes("text-lg"),
                                      "photo-status")
                self.go_photos = tag(
                    ui.button("Go to the photos", icon="photo_library",
                              on_click=lambda: ui.navigate.to(f"/project/{project_id}"))
                    .props("outline size=lg no-caps color=primary"), "go-photos")
                self.go_photos.set_visibility(False)
            if can_run:
                with ui.row().classes("w-full gap-3"):
                    for key, words, purpose, icon in QUALITIES:
                        self._quality_button(key, words, purpose, icon)
            else:
                tag(ui.label("Staff and owners build the model; viewers can look at it once "
                             "it is made.").classes("text-lg text-slate-600"), "viewer-note")
            ui.separator()
            mat_print(metric=metric, compact=True)

    def _quality_button(self, key: str, words: str, purpose: str, icon: str) -> None:
        primary = key == "normal"
        button = ui.button(on_click=lambda: self._start(key)).props(
            f"{'unelevated color=primary' if primary else 'outline color=primary'} no-caps"
        ).classes("grow").style("flex-basis: 220px; min-height: 88px; border-radius: 14px")
        with button, ui.row().classes("items-center gap-3 no-wrap text-left"):
            ui.icon(icon, size="lg")
            with ui.column().classes("gap-0 items-start"):
                ui.label(words).classes("text-xl font-semibold")
                ui.label(purpose).classes("text-sm opacity-80")
        self._buttons.append(tag(button, f"quality-{key}"))

    def set_photos(self, photos: list[capture_pb2.Photo] | None, problem: str = "") -> None:
        """Say how many photos are ready and what to do; None: they could not be listed."""
        if photos is None:
            self.photos.set_text(f"The photos cannot be counted now ({problem}); you can "
                                 "still start.")
            self.set_enabled(True)
            return
        usable, rejected = photo_counts(photos)
        self.usable = usable
        retake = f" ({rejected} to retake)" if rejected else ""
        if not photos:
            text = ("No photos yet. Lay the calibration mat by the piece, then take 30–80 "
                    "photos all around it — from the photos page or a paired camera.")
        elif usable < MIN_PHOTOS:
            text = (f"Only {usable} usable photo{'s' if usable != 1 else ''}{retake}: a model "
                    f"needs at least {MIN_PHOTOS}, and 30–80 all around the piece work best.")
        elif usable < GOOD_PHOTOS:
            text = (f"{usable} photos ready{retake}. Fewer than {GOOD_PHOTOS} may leave gaps: "
                    "30–80 all around the piece work best.")
        else:
            text = f"{usable} photos ready{retake}."
        self.photos.set_text(text)
        self.go_photos.set_visibility(usable < GOOD_PHOTOS)
        self.set_enabled(bool(photos))

    def set_enabled(self, enabled: bool) -> None:
        for button in self._buttons:
            button.set_enabled(enabled)

    async def _start(self, key: str) -> None:
        self.set_enabled(False)
        try:
            await self._on_start(key)
        finally:
            self.set_enabled(True)
