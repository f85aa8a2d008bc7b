"""Quality verdict badges: OK / Check / Retake, in words and colour, with the reasons."""

from __future__ import annotations

from nicegui import ui

from stitchsketch.v1 import capture_pb2

_V = capture_pb2.QualityVerdict
VERDICTS = {
    _V.QUALITY_VERDICT_OK: ("ok", "OK", "check_circle", "positive"),
    _V.QUALITY_VERDICT_WARN: ("warn", "Check", "warning", "warning"),
    _V.QUALITY_VERDICT_REJECT: ("reject", "Retake", "cancel", "negative"),
    _V.QUALITY_VERDICT_UNSPECIFIED: ("unknown", "Not checked", "help", "grey-7"),
}


def verdict_of(photo: capture_pb2.Photo) -> str:
    """ "ok", "warn", "reject" or "unknown"."""
    return VERDICTS.get(photo.quality.verdict, VERDICTS[_V.QUALITY_VERDICT_UNSPECIFIED])[0]


def quality_badge(photo: capture_pb2.Photo) -> ui.chip:
    key, label, icon, color = VERDICTS.get(
        photo.quality.verdict, VERDICTS[_V.QUALITY_VERDICT_UNSPECIFIED]
    )
    chip = ui.chip(label, icon=icon, color=color, text_color="white").props("square dense")
    chip.mark(f"verdict-{key}")
    return chip


def reason_lines(photo: capture_pb2.Photo) -> list[str]:
    """The findings in words, worst first."""
    reasons = sorted(photo.quality.reasons, key=lambda r: -int(r.severity))
    return [r.message or r.code for r in reasons]
