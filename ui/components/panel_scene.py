"""The 3D view of the panels: rotate with a finger, pinch to zoom, tap a panel to pick it,
and in split mode tap points that make the cut line. Buttons turn the view for gloved
hands that cannot pinch."""

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
_DEFAULT_BOUNDS: Bounds = ((-0.5, -0.5, 0.0), (0.5, 0.5, 1.0))


class PanelScene(ui.column):
    def __init__(self, on_pick: OnPick, *, height_px: int = 500):
        super().__init__()
        self.classes("w-full gap-2")
        self._on_pick = on_pick
        self._model: PanelModel | None = None
        self._panel_ids: set[str] = set()
        self._bounds = _DEFAULT_BOUNDS
        self._turn = 0  # eighths of a turn around the model
        self._line_objects: list = []
        with self:
            camera = ui.scene.perspective_camera(fov=40, near=0.01, far=100)
            self.scene = tag(
                ui.scene(
                    grid=False,
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

    def load(self, url: str, bounds: Bounds | None, panel_ids: Iterable[str], *,
             selected: Iterable[str] = (), excluded: Iterable[str] = ()) -> None:
        """Show the model at `url` (replacing the previous one) and frame it."""
        if self._model is not None:
            self._model.delete()
        self._panel_ids = set(panel_ids)
        with self.scene:
            self._model = PanelModel(url, selected=selected, excluded=excluded)
        if bounds is not None and bounds != self._bounds:
            self._bounds = bounds
            self._turn = 0
        self._frame()

    def show(self, *, selected: Iterable[str], excluded: Iterable[str]) -> None:
        if self._model is not None:
            self._model.show(selected=selected, excluded=excluded)

    def reset_view(self) -> None:
        self._turn = 0
        self._frame()

    def _rotate(self, step: int) -> None:
        self._turn = (self._turn + step) % 8
        self._frame()

    def _frame(self) -> None:
        """Camera in front (-y), a little right and above, far enough to see it all."""
        (x0, y0, z0), (x1, y1, z1) = self._bounds
        cx, cy, cz = (x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2
        size = max(x1 - x0, y1 - y0, z1 - z0, 0.05)
        distance = size * 2.1
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
            if hit.object_name in self._panel_ids:
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
