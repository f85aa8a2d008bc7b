"""A PIN pad for gloved fingers: 0-9, Clear and Enter as big keys; no keyboard needed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from ui.components import tag

OnEnter = Callable[[str], Awaitable[None] | None]


class PinPad(ui.column):
    """Digits are shown as dots; Enter hands the PIN to `on_enter` and clears the pad."""

    def __init__(self, on_enter: OnEnter, *, max_length: int = 8, prefix: str = "pin"):
        super().__init__()
        self.classes("items-center gap-4 w-full").style("max-width: 420px")
        self._on_enter = on_enter
        self._max = max_length
        self._digits = ""
        self._keys: list[ui.button] = []
        with self:
            self.dots = ui.row().classes("gap-3 h-8 items-center justify-center")
            tag(self.dots, f"{prefix}-dots")
            with ui.grid(columns=3).classes("w-full gap-3"):
                for key in "123456789":
                    self._key(key, prefix)
                clear = ui.button("Clear", on_click=self.reset).props(
                    "unelevated no-caps color=grey-4 text-color=grey-9"
                )
                clear.classes("ss-pin-key ss-pin-word")
                self._keys.append(tag(clear, f"{prefix}-clear"))
                self._key("0", prefix)
                enter = ui.button(icon="check", on_click=self._enter).props(
                    'unelevated color=positive aria-label="Enter"'
                )
                enter.classes("ss-pin-key")
                self._keys.append(tag(enter, f"{prefix}-enter"))
        self._draw()

    def _key(self, digit: str, prefix: str) -> None:
        button = ui.button(digit, on_click=lambda: self.press(digit)).props(
            "unelevated color=white text-color=grey-10"
        )
        button.classes("ss-pin-key shadow-sm")
        self._keys.append(tag(button, f"{prefix}-{digit}"))

    @property
    def value(self) -> str:
        return self._digits

    def press(self, digit: str) -> None:
        if len(self._digits) < self._max:
            self._digits += digit
            self._draw()

    def reset(self) -> None:
        """Forget the digits typed so far."""
        self._digits = ""
        self._draw()

    def set_enabled(self, enabled: bool) -> None:
        for key in self._keys:
            key.set_enabled(enabled)

    async def _enter(self) -> None:
        pin, self._digits = self._digits, ""
        self._draw()
        result = self._on_enter(pin)
        if result is not None:
            await result

    def _draw(self) -> None:
        self.dots.clear()
        with self.dots:
            shown = max(4, len(self._digits))
            for i in range(shown):
                filled = " filled" if i < len(self._digits) else ""
                ui.element("div").classes(f"ss-pin-dot{filled}")
