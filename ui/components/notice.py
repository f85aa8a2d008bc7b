"""Failed actions, told in words on screen (the domain error's message)."""

from __future__ import annotations

from nicegui import ui

from services.errors import StitchError


def show_error(exc: StitchError) -> None:
    """A readable notification for a failed action."""
    ui.notify(exc.message, type="negative", position="bottom", multi_line=True)
