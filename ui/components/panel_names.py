"""Standard upholstery piece names and how people read them ("inside_arm_L" → "Inside arm L").

# NOTE: the list mirrors services.patterns.panels.STANDARD_NAMES (the service refuses
# other names); tests/ui/test_patterns_parts.py checks that the two stay equal.
"""

from __future__ import annotations

import re

STANDARD_NAMES = (
    "inside_back", "outside_back", "back_side", "back_top", "back_boxing",
    "inside_arm", "outside_arm", "arm_front", "arm_back", "arm_top", "arm_panel",
    "deck", "front_border", "skirt", "wing_inside", "wing_outside",
    "seat_cushion_top", "seat_cushion_bottom", "seat_cushion_boxing",
    "back_cushion_front", "back_cushion_back", "back_cushion_boxing",
    "bolster", "bolster_end", "pillow_front", "pillow_back",
    "ottoman_top", "ottoman_side", "dust_cover", "plinth", "panel",
)
#: Suffixes a name may carry: sides and numbers.
SIDES = ("", "L", "R", "1", "2", "3", "4")
_SUFFIX = re.compile(r"_(L|R|\d+)$")


def split_name(name: str) -> tuple[str, str]:
    """("outside_arm", "L_1") for "outside_arm_L_1": the standard base and its suffixes."""
    for base in sorted(STANDARD_NAMES, key=len, reverse=True):
        if name == base:
            return base, ""
        if name.startswith(base + "_") and all(
            _SUFFIX.match("_" + part) for part in name[len(base) + 1 :].split("_")
        ):
            return base, name[len(base) + 1 :]
    return name, ""


def join_name(base: str, suffix: str) -> str:
    return f"{base}_{suffix}" if suffix else base


def label(name: str) -> str:
    """How a name reads on screen: words, capital first, the side kept as L/R."""
    base, suffix = split_name(name)
    words = base.replace("_", " ").strip().capitalize()
    return f"{words} {suffix.replace('_', ' ')}".strip()
