"""Small UI pieces, one per file, shared by the pages."""

from __future__ import annotations

from nicegui import ui


def tag(element: ui.element, name: str) -> ui.element:
    """Name an element for tests: a NiceGUI marker (User fixture) and a data-testid (browser)."""
    element.mark(name)
    element.props(f'data-testid="{name}"')
    return element
