"""A decimal number pad for gloved fingers: the kiosk has no keyboard (see
appliance/kiosk/README.md), so a length is tapped in like a PIN, with a point and a
backspace key."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from ui.components import tag

#: Digits before and after the point a length needs (9999.99 cm is plenty).
MAX_CHARS = 8


class NumberPad(ui.column):
    """Shows the number typed so far with its unit; `value` is None until it is a number."""

    def __init__(self, unit: str, *, prefix: str = "num",
                 on_change: Callable[[float | None], None] | None = None):
        super().__init__()
        self.classes("gap-2 w-full").style("max-width: 360px")
        self._text = ""
        self._unit = unit
        self._on_change = on_change
        with self:
            with ui.row().classes(
                "w-full items-baseline justify-end gap-2 px-4 py-2 rounded-xl bg-white border"
            ):
                self.display = tag(ui.label().classes("text-4xl font-semibold tabular-nums"),
                                   f"{prefix}-value")
                ui.label(unit).classes("text-2xl text-slate-600")
            with ui.grid(columns=3).classes("w-full gap-2"):
                for key in "123456789":
                    self._key(key, key, f"{prefix}-{key}")
                self._key(".", ".", f"{prefix}-dot")
                self._key("0", "0", f"{prefix}-0")
                back = ui.button(icon="backspace", on_click=self.backspace).props(
                    'unelevated color=grey-4 text-color=grey-9 aria-label="Delete"')
                back.classes("w-full").style("height: 60px; border-radius: 14px")
                tag(back, f"{prefix}-back")
        self._draw()

    def _key(self, key: str, text: str, name: str) -> None:
        button = ui.button(text, on_click=lambda: self.press(key)).props(
            "unelevated color=white text-color=grey-10")
        button.classes("w-full shadow-sm").style(
            "height: 60px; border-radius: 14px; font-size: 1.6rem")
        tag(button, name)

    @property
    def text(self) -> str:
        return self._text

    @property
    def value(self) -> float | None:
        """The number typed, or None when nothing usable is (empty, a lone point, zero)."""
        try:
            number = float(self._text)
        except ValueError:
            return None
        return number if number > 0 else None

    def press(self, key: str) -> None:
        if len(self._text) >= MAX_CHARS or (key == "." and "." in self._text):
            return
        if key == "." and not self._text:
            key = "0."
        self._text += key
        self._draw()

    def backspace(self) -> None:
        self._text = self._text[:-1]
        self._draw()

    def reset(self) -> None:
        self._text = ""
        self._draw()

    def _draw(self) -> None:
        self.display.set_text(self._text or "0")
        self.display.classes(replace="text-4xl font-semibold tabular-nums "
                             + ("text-slate-400" if not self._text else "text-slate-900"))
        if self._on_change is not None:
            self._on_change(self.value)
