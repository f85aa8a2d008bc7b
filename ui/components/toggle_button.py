"""One big on/off button: filled with a check mark when on, outlined when off (not colour
alone). Easier to hit with gloves than a switch, and it says what it turns on."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui


class ToggleButton(ui.button):
    def __init__(self, text: str, value: bool = False, *,
                 on_change: Callable[[bool], None] | None = None, color: str = "primary"):
        super().__init__(text, on_click=self._flip)
        self.props("no-caps")
        self.value = value
        self._on_change = on_change
        self._color = color
        self._restyle()

    def _flip(self) -> None:
        self.value = not self.value
        self._restyle()
        if self._on_change is not None:
            self._on_change(self.value)

    def _restyle(self) -> None:
        self.props(remove="unelevated outline color icon")
        if self.value:
            self.props(f"unelevated color={self._color} icon=check")
        else:
            self.props("outline color=grey-8 icon=check_box_outline_blank")
