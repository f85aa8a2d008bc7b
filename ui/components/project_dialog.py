"""The dialog to create or edit a project: customer, contact, piece type, notes, status."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from ui.components import tag
from ui.components.choice import ChoiceButtons
from ui.store import PIECE_TYPES, STATUSES, Project


async def project_dialog(project: Project | None = None) -> dict[str, Any] | None:
    """Ask for the project's fields; None when cancelled. The caller saves them."""
    with (
        ui.dialog().props("persistent maximized-on-mobile") as dialog,
        ui.card().classes("ss-card p-6 gap-4 w-full").style("max-width: 760px"),
    ):
        ui.label("Edit project" if project else "New project").classes("text-2xl font-semibold")
        customer = tag(
            ui.input("Customer", value=project.customer if project else "")
            .props("outlined clearable autofocus")
            .classes("w-full text-lg"),
            "field-customer",
        )
        contact = tag(
            ui.input("Phone or e-mail", value=project.contact if project else "")
            .props("outlined clearable")
            .classes("w-full text-lg"),
            "field-contact",
        )
        ui.label("Piece").classes("text-sm text-slate-600 -mb-2")
        piece = ChoiceButtons(
            {p: p.capitalize() for p in PIECE_TYPES},
            project.piece_type if project else "armchair",
            prefix="piece",
        )
        notes = tag(
            ui.textarea("Notes", value=project.notes if project else "")
            .props("outlined autogrow stack-label")
            .classes("w-full text-lg"),
            "field-notes",
        )
        ui.label("Status").classes("text-sm text-slate-600 -mb-2")
        status = ChoiceButtons(
            {s: s.capitalize() for s in STATUSES},
            project.status if project else "new",
            prefix="status",
            color="secondary",
        )
        error = ui.label().classes("text-negative text-lg")
        error.set_visibility(False)

        def save() -> None:
            if not (customer.value or "").strip():
                error.set_text("Enter the customer's name")
                error.set_visibility(True)
                return
            dialog.submit(
                {
                    "customer": customer.value or "",
                    "contact": contact.value or "",
                    "piece_type": piece.value,
                    "notes": notes.value or "",
                    "status": status.value,
                }
            )

        with ui.row().classes("w-full justify-end gap-3 pt-2"):
            tag(
                ui.button("Cancel", on_click=lambda: dialog.submit(None)).props(
                    "outline size=lg no-caps"
                ),
                "project-cancel",
            )
            tag(
                ui.button("Save", icon="check", on_click=save).props(
                    "unelevated size=lg no-caps color=primary"
                ),
                "project-save",
            )
    result = await dialog
    dialog.delete()
    return result
