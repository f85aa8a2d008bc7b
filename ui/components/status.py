"""How project statuses and piece types look: a colour and an icon each, plus words."""

from __future__ import annotations

from nicegui import ui

STATUS_COLORS = {
    "new": "grey-7",
    "capturing": "info",
    "modelling": "deep-purple-6",
    "patterns": "indigo-7",
    "quoted": "amber-9",
    "in work": "accent",
    "done": "positive",
}
STATUS_ICONS = {
    "new": "star",
    "capturing": "photo_camera",
    "modelling": "view_in_ar",
    "patterns": "content_cut",
    "quoted": "request_quote",
    "in work": "construction",
    "done": "check_circle",
}
PIECE_ICONS = {
    "armchair": "chair",
    "sofa": "weekend",
    "loveseat": "weekend",
    "ottoman": "crop_square",
    "dining chair": "event_seat",
    "headboard": "bed",
    "cushion": "rectangle",
    "other": "category",
}


def status_chip(status: str) -> ui.chip:
    """A non-clickable chip with the status in words (colour is never the only cue)."""
    return ui.chip(
        status.capitalize(),
        icon=STATUS_ICONS.get(status, "label"),
        color=STATUS_COLORS.get(status, "grey-7"),
        text_color="white",
    ).props("square")
