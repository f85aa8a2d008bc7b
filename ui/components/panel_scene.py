"""The 3D view of a model: rotate with a finger, pinch to zoom, tap to pick a point.

Panels (the patterns page): taps on a panel name it, and in split mode tap points make
the cut line. A whole model (the 3D model page): `load(..., panel_ids=None)` reports any
tap on the model, e.g. the two ends of a known length. Buttons turn and zoom the view for
gloved hands that cannot pinch; `draw_line` marks tapped points, `show_box` a crop box."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable

from nicegui import events, ui

from ui.components import tag
from ui.components.panel_model import PanelModel
from ui.patterns_files import Bounds

Point3 = tuple[float, float, float]
OnPick = Callable[[str, Point3], None]
LINE_COLOR = "#dc2626"
BOX_COLOR = "#0f5f73"
#: Camera distance per zoom step (in: closer).
ZOOM_STEP = 0.8
_DEFAULT_BOUNDS: Bounds = ((-0.5, -0.5, 0.0), (0.5, 0.5, 1.0))


class PanelScene(ui.column):
    def __init__(self, on_pick: OnPick, *, height_px: int = 500,
                 grid: bool | tuple[int, int] = False):
        super().__init__()
        self.classes("w-full gap-2")
        self._on_pick = on_pick
        self._model: PanelModel | None = None
        self._panel_ids: set[str] | None = set()  # None: any tap on the model
        self._bounds = _DEFAULT_BOUNDS
        self._turn = 0  # eighths of a turn around the model
        self._zoom = 1.0
        self._line_objects: list = []
        self._box_object = None
        with self:
            camera = ui.scene.perspective_camera(fov=40, near=0.01, far=100)
            self.scene = tag(
                ui.scene(
                    grid=grid,
                    camera=camera,
                    on_click=self._clicked,
                    click_events=["click"],
                    background_color="#e2e8f0",
                )
                .classes("w-full rounded-xl")
                .style(f"height: {height_px}px; touch-action: none"),
                "panel-scene",
            )
            with ui.row().classes("w-full gap-2 justify-center"):
                tag(ui.button(icon="rotate_left", on_click=lambda: self._rotate(-1)).props(
                    'outline size=lg aria-label="Turn left"'), "view-left")
                tag(ui.button("Front", icon="center_focus_strong", on_click=self.reset_view)
                    .props("outline size=lg no-caps"), "view-reset")
                tag(ui.button(icon="rotate_right", on_click=lambda: self._rotate(1)).props(
                    'outline size=lg aria-label="Turn right"'), "view-right")
                tag(ui.button(icon="zoom_in", on_click=lambda: self._zoom_by(ZOOM_STEP)).props(
                    'outline size=lg aria-label="Closer"'), "view-closer")
                tag(ui.button(icon="zoom_out", on_click=lambda: self._zoom_by(1 / ZOOM_STEP))
                    .props('outline size=lg aria-label="Further"'), "view-further")

    def load(self, url: str, bounds: Bounds | None, panel_ids: Iterable[str] | None, *,
             selected: Iterable[str] = (), excluded: Iterable[str] = ()) -> None:
        """Show the model at `url` (replacing the previous one) and frame it; taps report
        the panel hit among `panel_ids`, or with None any point on the model."""
        if self._model is not None:
            self._model.delete()
        self._panel_ids = None if panel_ids is None else set(panel_ids)
        with self.scene:
            self._model = PanelModel(url, selected=selected, excluded=excluded)
        if bounds is not None and bounds != self._bounds:
            self._bounds = bounds
            self._turn = 0
            self._zoom = 1.0
        self._frame()

    @property
    def model_id(self) -> str | None:
        """The scene object id of the model (taps on it carry this id)."""
        return self._model.id if self._model is not None else None

    def show(self, *, selected: Iterable[str], excluded: Iterable[str]) -> None:
        if self._model is not None:
            self._model.show(selected=selected, excluded=excluded)

    def reset_view(self) -> None:
        self._turn = 0
        self._zoom = 1.0
        self._frame()

    def _zoom_by(self, factor: float) -> None:
        self._zoom = min(4.0, max(0.25, self._zoom * factor))
        self._frame()

    def _rotate(self, step: int) -> None:
        self._turn = (self._turn + step) % 8
        self._frame()

    def _frame(self) -> None:
        """Camera in front (-y), a little right and above, far enough to see it all."""
        (x0, y0, z0), (x1, y1, z1) = self._bounds
        cx, cy, cz = (x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2
        size = max(x1 - x0, y1 - y0, z1 - z0, 0.05)
        distance = size * 2.1 * self._zoom
        angle = -math.pi / 2 + math.radians(25) + self._turn * math.pi / 4
        self.scene.move_camera(
            x=cx + distance * math.cos(angle) * 0.9,
            y=cy + distance * math.sin(angle) * 0.9,
            z=cz + distance * 0.45,
            look_at_x=cx, look_at_y=cy, look_at_z=cz,
            up_x=0, up_y=0, up_z=1,
            duration=0.4,
        )

    def _clicked(self, e: events.SceneClickEventArguments) -> None:
        for hit in e.hits:
            if self._panel_ids is None:
                # Whole model: the first hit on it (not on a marker drawn over it).
                if self._model is not None and hit.object_id == self._model.id:
                    self._on_pick(hit.object_name or "", (hit.x, hit.y, hit.z))
                    return
            elif hit.object_name in self._panel_ids:
                self._on_pick(hit.object_name, (hit.x, hit.y, hit.z))
                return

    # --- the split line -----------------------------------------------------------

    def draw_line(self, points: list[Point3]) -> None:
        """Dots where the person tapped, joined in order."""
        for obj in self._line_objects:
            obj.delete()
        self._line_objects = []
        radius = max(0.004, max(b - a for a, b in zip(*self._bounds, strict=True)) / 90)
        with self.scene:
            for p in points:
                self._line_objects.append(
                    ui.scene.sphere(radius).move(*p).material(LINE_COLOR)
                )
            for a, b in itertools.pairwise(points):
                self._line_objects.append(ui.scene.line(list(a), list(b)).material(LINE_COLOR))

    def show_box(self, box: Bounds | None) -> None:
        """A wireframe box (e.g. the crop box) in the model's frame; None removes it."""
        if self._box_object is not None:
            self._box_object.delete()
            self._box_object = None
        if box is None:
            return
        (x0, y0, z0), (x1, y1, z1) = box
        with self.scene:
            self._box_object = (
                ui.scene.box(x1 - x0, y1 - y0, z1 - z0, wireframe=True)
                .move((x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2)
                .material(BOX_COLOR)
            )
