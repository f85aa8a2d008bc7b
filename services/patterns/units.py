"""Length units: metres inside, inches/yards or cm/m at the edge (labels, CLI, quotes)."""

from __future__ import annotations

import math
from enum import StrEnum

INCH = 0.0254
YARD = 0.9144
DEFAULT_FABRIC_WIDTH_M = 54 * INCH
DEFAULT_SEAM_ALLOWANCE_M = 0.5 * INCH
DEFAULT_SPACING_M = 0.25 * INCH


class UnitSystem(StrEnum):
    """How lengths are shown to people; the numbers inside stay metres."""

    IMPERIAL = "imperial"
    METRIC = "metric"


def round_up_yards(length_m: float, step_yd: float = 0.125) -> float:
    """Yards to order for `length_m` of roll, rounded up to `step_yd` (1/8 yd by default)."""
    yards = length_m / YARD
    # Guard against 2.0000000001 / 0.125 becoming 17 steps through float noise.
    return math.ceil(yards / step_yd - 1e-9) * step_yd


def format_length(length_m: float, units: UnitSystem) -> str:
    """A short human label: 21 1/4 in or 54.0 cm."""
    if units is UnitSystem.METRIC:
        return f"{length_m * 100:.1f} cm"
    inches = length_m / INCH
    whole = int(inches)
    eighths = round((inches - whole) * 8)
    if eighths == 8:
        whole, eighths = whole + 1, 0
    if eighths == 0:
        return f"{whole} in"
    num, den = eighths, 8
    while num % 2 == 0:
        num, den = num // 2, den // 2
    return f"{whole} {num}/{den} in" if whole else f"{num}/{den} in"


def format_roll_length(length_m: float, units: UnitSystem) -> str:
    """Roll lengths: yards (to 1/8) or metres (to 0.1)."""
    if units is UnitSystem.METRIC:
        return f"{math.ceil(length_m * 10 - 1e-9) / 10:.1f} m"
    return f"{round_up_yards(length_m):.3f} yd"
