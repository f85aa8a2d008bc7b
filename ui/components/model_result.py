"""A finished model: the 3D view on the left; on the right its size, how it was scaled,
the photos to retake, the actions, downloads — or, while one is open, the known-length or
crop panel in their place (taps on the model go to the known length)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from nicegui import ui

from services.errors import StitchError
from stitchsketch.v1 import common_pb2, reconstruction_pb2
from ui.components import tag
from ui.components.crop_box import CropBox
from ui.components.known_length import KnownLength
from ui.components.mat_print import mat_print
from ui.components.model_figures import registration_line, retakes, scale_line, size_block
from ui.components.notice import show_error
from ui.components.panel_scene import PanelScene, Point3
from ui.model_files import model_url
from ui.patterns_files import Bounds, glb_bounds
from ui.units import Units

if TYPE_CHECKING:
    from ui.context import UiContext

log = logging.getLogger(__name__)

Model = reconstruction_pb2.GetModelResponse
#: Height of the 3D view: with the header and the runs row it fits a 1280×800 kiosk.
SCENE_PX = 470
#: A floor grid of 4 m in 10 cm squares under the model.
GRID = (4, 40)
#: Record a new job (a crop re-run) with the project and show it.
OnNewJob = Callable[[common_pb2.Job, str], Awaitable[None]]


async def model_bounds(ctx: UiContext, token: str, job_id: str) -> Bounds | None:
    """The model's box in its own frame, from the JSON header at the start of its GLB."""
    bounds, head = None, b""
    try:
        _, body = await ctx.reconstruction.download_model_file(token, job_id, "model.glb")
        # NOTE: read to the end rather than cancel (as on the patterns page): the service
        # would log a stream abandoned half-way.
        async for part in body:
            if bounds is None:
                head += part
                bounds = glb_bounds(head)
    except StitchError as exc:
        log.warning("no bounds for model %s: %s", job_id, exc.message)
    return bounds


class ModelResult(ui.row):
    def __init__(self, ctx: UiContext, token: Callable[[], str], project_id: str, job_id: str,
                 model: Model, bounds: Bounds | None, units: Units, *, can_run: bool,
                 label: str, on_new_job: OnNewJob):
        super().__init__()
        self.classes("w-full gap-4 items-start no-wrap max-md:flex-wrap")
        self._ctx = ctx
        self._token = token
        self.project_id = project_id
        self.job_id = job_id
        self.model = model
        self.bounds = bounds
        self.units = units
        self.can_run = can_run
        self.label = label
        self._on_new_job = on_new_job
        self.version = 0  # bumped when the model's files change (known length)
        self.mode: KnownLength | CropBox | None = None
        with self:
            with ui.column().classes("gap-2").style("flex: 1 1 58%; min-width: 320px"):
                self.scene = tag(PanelScene(self._picked, height_px=SCENE_PX, grid=GRID),
                                 "model-view")
            with tag(ui.column().classes("gap-3").style("flex: 1 1 42%; min-width: 320px"),
                     "model-side"):
                self.figures = ui.column().classes("w-full gap-3")
                self.panel = tag(ui.card().classes("ss-card w-full p-4"), "model-panel")
                self.panel.set_visibility(False)
        self._load_scene()
        self._draw_side()

    def _load_scene(self) -> None:
        url = model_url(self.project_id, self.job_id, "model.glb", f"v={self.version}")
        self.scene.load(url, self.bounds, None)

    def _draw_side(self) -> None:
        """The figures and actions (hidden while the known-length or crop panel is open)."""
        model = self.model
        self.figures.clear()
        with self.figures:
            with ui.card().classes("ss-card w-full p-4 gap-3"):
                size_block(model, self.units)
                scale_line(model)
                registration_line(model)
                self._actions(model)
            if model.unregistered_filenames:
                with ui.card().classes("ss-card w-full p-4"):
                    retakes(model, self.project_id)
            if not model.scaled:
                with ui.card().classes("ss-card w-full p-4"):
                    mat_print(metric=self.units.metric, compact=True)

    def _actions(self, model: Model) -> None:
        with ui.row().classes("w-full gap-2"):
            if self.can_run:
                style = "unelevated color=primary" if not model.scaled else "outline color=primary"
                words = "Tap a known length" if not model.scaled else "Correct the size"
                tag(ui.button(words, icon="straighten", on_click=self._open_known_length)
                    .props(f"{style} size=lg no-caps"), "open-known-length")
                tag(ui.button("Crop", icon="crop", on_click=self._open_crop)
                    .props("outline size=lg no-caps color=primary"), "open-crop")
            tag(ui.button("Patterns", icon="content_cut",
                          on_click=lambda: ui.navigate.to(f"/project/{self.project_id}/patterns"))
                .props("outline size=lg no-caps color=primary"), "to-patterns")
        with ui.row().classes("w-full items-center gap-2"):
            ui.label("Download").classes("text-sm uppercase tracking-wider text-slate-500")
            for name in ("model.glb", "model.ply", "model.obj"):
                if name in model.files:
                    url = model_url(self.project_id, self.job_id, name, "download=1")
                    tag(ui.button(name.rsplit(".", 1)[1].upper(),
                                  on_click=lambda u=url: ui.download.from_url(u))
                        .props("outline no-caps color=primary"), f"download-{name}")

    def _picked(self, _name: str, point: Point3) -> None:
        if isinstance(self.mode, KnownLength):
            self.mode.picked(point)

    def _open_mode(self, make: Callable[[], KnownLength | CropBox]) -> None:
        """Put a tool panel in place of the figures."""
        self.panel.clear()
        with self.panel:
            self.mode = make()
        self.panel.set_visibility(True)
        self.figures.set_visibility(False)

    def _close_mode(self) -> None:
        self.mode = None
        self.panel.clear()
        self.panel.set_visibility(False)
        self.figures.set_visibility(True)
        self._draw_side()

    # --- known length -----------------------------------------------------------------

    def _open_known_length(self) -> None:
        self._open_mode(lambda: KnownLength(self.scene, self.units,
                                            on_apply=self._apply_length,
                                            on_close=self._close_mode))

    async def _apply_length(self, a: Point3, b: Point3, metres: float) -> bool:
        try:
            model = await self._ctx.reconstruction.set_known_length(
                self._token(), self.job_id, a, b, metres)
        except StitchError as exc:
            show_error(exc)
            return False
        self.model = model
        self.version += 1
        self.bounds = await model_bounds(self._ctx, self._token(), self.job_id)
        self._load_scene()
        ui.notify(f"Sized: {self.units.length(metres)} between the two points",
                  type="positive", position="bottom")
        return True

    # --- crop box ---------------------------------------------------------------------

    def _open_crop(self) -> None:
        scene, bounds = self.scene, self.bounds
        if bounds is None:
            ui.notify("The model's extent is not known; reload the page and try again",
                      type="warning", position="bottom")
            return
        self._open_mode(lambda: CropBox(scene, bounds, self.units, on_apply=self._apply_crop,
                                        on_close=self._close_mode))

    async def _apply_crop(self, lo: Point3, hi: Point3) -> bool:
        try:
            job = await self._ctx.reconstruction.set_crop_box(
                self._token(), self.job_id, lo, hi)
        except StitchError as exc:
            show_error(exc)
            return False
        self.mode = None
        await self._on_new_job(job, f"cropped · {self.label}" if self.label else "cropped")
        return True
