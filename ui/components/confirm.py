"""A yes/no dialog with big buttons; awaiting it returns True for yes."""

from __future__ import annotations

from nicegui import ui

from ui.components import tag


async def confirm(question: str, *, yes: str = "Yes", danger: bool = False) -> bool:
    with ui.dialog() as dialog, ui.card().classes("ss-card p-6 gap-6 min-w-80"):
        ui.label(question).classes("text-xl")
        with ui.row().classes("w-full justify-end gap-3"):
            tag(
                ui.button("Cancel", on_click=lambda: dialog.submit(False)).props(
                    "outline size=lg no-caps"
                ),
                "confirm-no",
            )
            tag(
                ui.button(yes, on_click=lambda: dialog.submit(True)).props(
                    f"unelevated size=lg no-caps color={'negative' if danger else 'primary'}"
                ),
                "confirm-yes",
            )
    result = await dialog
    dialog.delete()
    return bool(result)
