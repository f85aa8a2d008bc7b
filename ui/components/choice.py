"""A row of big buttons to pick one value: easier to hit than a dropdown with gloves."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from ui.components import tag

OnChange = Callable[[str], Awaitable[None] | None]


class ChoiceButtons(ui.row):
    def __init__(
        self,
        options: dict[str, str],
        value: str,
        *,
        on_change: OnChange | None = None,
        prefix: str = "choice",
        color: str = "primary",
    ):
        super().__init__()
        self.classes("gap-2 flex-wrap")
        self.value = value
        self._on_change = on_change
        self._color = color
        self._buttons: dict[str, ui.button] = {}
        with self:
            for key, label in options.items():
                button = ui.button(label, on_click=lambda k=key: self._pick(k)).props("no-caps")
                self._buttons[key] = button
                tag(button, f"{prefix}-{key.replace(' ', '-')}")
        self._restyle()

    def _pick(self, key: str) -> Awaitable[None] | None:
        # Synchronous up to on_change, so a tap right after (e.g. Save) sees the new value;
        # NiceGUI awaits a returned coroutine in the background.
        if key == self.value:
            return None
        self.value = key
        self._restyle()
        return self._on_change(key) if self._on_change is not None else None

    def set_value(self, key: str) -> None:
        self.value = key
        self._restyle()

    def _restyle(self) -> None:
        # Selected: filled with a check mark (not colour alone); others: outlined.
        for key, button in self._buttons.items():
            button.props(remove="unelevated outline color text-color icon")
            if key == self.value:
                button.props(f"unelevated color={self._color} icon=check")
            else:
                button.props("outline color=grey-8")
