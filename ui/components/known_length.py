"""Size a model from one known length: two taps on the model, then the distance on a
number pad in the shop's unit. The points are marked on the model as they are tapped."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable

from nicegui import ui

from ui.components import tag
from ui.components.number_pad import NumberPad
from ui.components.panel_scene import PanelScene, Point3
from ui.units import Units

#: Send (a, b, metres); True when the model took it (the panel then closes).
OnApply = Callable[[Point3, Point3, float], Awaitable[bool]]


class KnownLength(ui.column):
    def __init__(self, scene: PanelScene, units: Units, *, on_apply: OnApply,
                 on_close: Callable[[], None]):
        super().__init__()
        self.classes("w-full gap-3")
        self._scene = scene
        self._units = units
        self._on_apply = on_apply
        self._on_close = on_close
        self.points: list[Point3] = []
        self.pad: NumberPad | None = None
        self.apply_button: ui.button | None = None
        with self:
            with ui.row().classes("w-full items-center gap-2 no-wrap"):
                ui.icon("straighten", size="md", color="primary")
                ui.label("Size from a known length").classes("text-2xl font-semibold grow")
                tag(ui.button(icon="close", on_click=self.close).props(
                    'flat round size=lg aria-label="Close"'), "length-close")
            self.hint = tag(ui.label().classes("text-lg"), "length-hint")
            self.entry = ui.column().classes("w-full gap-2")
        self._draw()

    def picked(self, point: Point3) -> None:
        """A tap on the model: the first end, the second, or (a third) a fresh start."""
        self.points = [point] if len(self.points) >= 2 else [*self.points, point]
        self._scene.draw_line(self.points)
        self._draw()

    def close(self) -> None:
        self._scene.draw_line([])
        self._on_close()

    def _restart(self) -> None:
        self.points = []
        self._scene.draw_line([])
        self._draw()

    def _draw(self) -> None:
        n = len(self.points)
        self.hint.set_text([
            "Tap one end of a length you know on the model — the front edge of the seat, "
            "an arm from floor to top…",
            "Now tap the other end.",
            f"How far apart are the two points? ({self._units.length_unit})",
        ][n])
        self.entry.clear()
        self.pad = self.apply_button = None
        if n < 2:
            return
        with self.entry:
            self.pad = NumberPad(self._units.length_unit, prefix="length",
                                 on_change=self._typed)
            with ui.row().classes("w-full gap-2"):
                button = ui.button("Set the size", icon="check", on_click=self._apply)
                self.apply_button = tag(
                    button.props("unelevated size=lg no-caps color=primary"), "length-apply")
                self.apply_button.disable()
                tag(ui.button("Tap again", icon="restart_alt", on_click=self._restart).props(
                    "outline size=lg no-caps"), "length-restart")

    def _typed(self, value: float | None) -> None:
        if self.apply_button is not None:
            self.apply_button.set_enabled(value is not None)

    async def _apply(self) -> None:
        value = self.pad.value if self.pad is not None else None
        if value is None or self.apply_button is None or len(self.points) != 2:
            return
        metres = self._units.from_input(value)
        if not math.isfinite(metres) or metres <= 0:
            return
        self.apply_button.disable()
        a, b = self.points
        if await self._on_apply(a, b, metres):
            self.close()
        else:
            self.apply_button.enable()
