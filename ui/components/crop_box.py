"""Crop the model to a box around the piece: for each side, − and + buttons that cut off
more or less, in steps of the shop's unit; the box is drawn on the model as it changes.

The box starts at the model's own extent (what the automatic isolation kept); cutting
in drops floor, wall or stray bits, a negative cut gives the piece more room. Applying
it makes a new reconstruction job (the finished model stays as it was).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from ui.components import tag
from ui.components.panel_scene import PanelScene
from ui.patterns_files import Bounds
from ui.units import INCH, Units

Point3 = tuple[float, float, float]
#: Send the box; True when a new job took it (the page then shows that job instead).
OnApply = Callable[[Point3, Point3], Awaitable[bool]]
#: (key, words, axis, end: 0 the low side, 1 the high side); the piece faces -y.
SIDES = (
    ("top", "Top", 2, 1),
    ("floor", "Floor", 2, 0),
    ("left", "Left", 0, 0),
    ("right", "Right", 0, 1),
    ("front", "Front", 1, 0),
    ("back", "Back", 1, 1),
)


class CropBox(ui.column):
    def __init__(self, scene: PanelScene, bounds: Bounds, units: Units, *,
                 on_apply: OnApply, on_close: Callable[[], None]):
        super().__init__()
        self.classes("w-full gap-2")
        self._scene = scene
        self._bounds = bounds
        self._units = units
        self._on_apply = on_apply
        self._on_close = on_close
        self.step_m = 0.02 if units.metric else INCH
        #: How much more room a side may get beyond the model (m).
        self.max_room_m = 0.15
        self.cuts = {key: 0.0 for key, *_ in SIDES}
        self._values: dict[str, ui.label] = {}
        with self:
            with ui.row().classes("w-full items-center gap-2 no-wrap"):
                ui.icon("crop", size="md", color="primary")
                ui.label("Crop to the piece").classes("text-2xl font-semibold grow")
                tag(ui.button(icon="close", on_click=self.close).props(
                    'flat round size=lg aria-label="Close"'), "crop-close")
            ui.label("Cut off from each side what is not the piece (− gives it more room)."
                     ).classes("text-lg")
            with ui.grid(columns=2).classes("w-full gap-x-4 gap-y-2"):
                for key, words, *_ in SIDES:
                    self._side(key, words)
            self.size = tag(ui.label().classes("text-slate-700"), "crop-size")
            with ui.row().classes("w-full gap-2"):
                self.apply_button = tag(
                    ui.button("Re-make inside the box", icon="crop", on_click=self._apply)
                    .props("unelevated size=lg no-caps color=primary"), "crop-apply")
                tag(ui.button("Reset", icon="restart_alt", on_click=self._reset).props(
                    "outline size=lg no-caps"), "crop-reset")
        self._changed()

    def _side(self, key: str, words: str) -> None:
        with ui.row().classes("items-center gap-1 no-wrap"):
            ui.label(words).classes("text-lg w-14")
            tag(ui.button(icon="remove", on_click=lambda: self.nudge(key, -1)).props(
                f'outline size=md aria-label="{words}: less"'), f"crop-{key}-less")
            self._values[key] = tag(
                ui.label().classes("text-lg font-medium tabular-nums w-20 text-center"),
                f"crop-{key}")
            tag(ui.button(icon="add", on_click=lambda: self.nudge(key, 1)).props(
                f'outline size=md aria-label="{words}: more"'), f"crop-{key}-more")

    def box(self) -> tuple[Point3, Point3]:
        """The crop box in the model's frame."""
        lo, hi = (list(c) for c in self._bounds)
        for key, _, axis, end in SIDES:
            if end == 0:
                lo[axis] += self.cuts[key]
            else:
                hi[axis] -= self.cuts[key]
        return (lo[0], lo[1], lo[2]), (hi[0], hi[1], hi[2])

    def nudge(self, key: str, steps: int) -> None:
        """Cut `steps` more off side `key` (negative: less), keeping the box open."""
        axis = next(a for k, _, a, _ in SIDES if k == key)
        other = next(k for k, _, a, _ in SIDES if a == axis and k != key)
        extent = self._bounds[1][axis] - self._bounds[0][axis]
        new = self.cuts[key] + steps * self.step_m
        most = extent - self.cuts[other] - self.step_m  # leave at least one step
        self.cuts[key] = round(min(max(new, -self.max_room_m), most), 6)
        self._changed()

    def close(self) -> None:
        self._scene.show_box(None)
        self._on_close()

    def _reset(self) -> None:
        self.cuts = dict.fromkeys(self.cuts, 0.0)
        self._changed()

    def _changed(self) -> None:
        u = self._units
        for key, label in self._values.items():
            cut = self.cuts[key]
            text = "0" if abs(cut) < 1e-9 else u.length(abs(cut))
            label.set_text(f"−{text}" if cut < -1e-9 else text)
        lo, hi = self.box()
        self.size.set_text(f"Box: {u.length(hi[0] - lo[0])} wide × "
                           f"{u.length(hi[1] - lo[1])} deep × {u.length(hi[2] - lo[2])} high")
        self._scene.show_box((lo, hi))

    async def _apply(self) -> None:
        self.apply_button.disable()
        lo, hi = self.box()
        if not await self._on_apply(lo, hi):
            self.apply_button.enable()
        # else: the page has moved on to the new job (this panel and its scene are gone)
