"""The fabric the pieces are cut from, and which turns of a piece it allows."""

from __future__ import annotations

from dataclasses import dataclass

from services.errors import InvalidArgument
from services.patterns.units import DEFAULT_FABRIC_WIDTH_M, DEFAULT_SPACING_M


@dataclass(frozen=True)
class Fabric:
    """Mirrors `stitchsketch.v1.FabricSpec`; zeros there mean these defaults.

    Roll frame: X runs along the roll (the fabric's length), Y across it (0..width).
    """

    width_m: float = DEFAULT_FABRIC_WIDTH_M
    repeat_v_m: float = 0.0
    repeat_h_m: float = 0.0
    one_way: bool = False
    railroaded: bool = False
    spacing_m: float = DEFAULT_SPACING_M
    price_per_yard: float = 0.0
    #: Plain fabric only: turn a piece 90° when it is wider than the roll (and say so).
    auto_railroad: bool = True

    def __post_init__(self) -> None:
        for name in ("width_m", "repeat_v_m", "repeat_h_m", "spacing_m", "price_per_yard"):
            if getattr(self, name) < 0:
                raise InvalidArgument(f"{name} must not be negative", field=f"fabric.{name}")
        if self.width_m <= 0.05:
            raise InvalidArgument("fabric width must be over 5 cm", field="fabric.width_m")

    @property
    def patterned(self) -> bool:
        return self.repeat_v_m > 0 or self.repeat_h_m > 0

    def rotations(self, railroad: bool | None = None) -> tuple[int, ...]:
        """Rotations (degrees, piece frame -> roll frame) keeping the grain rule.

        Pieces are drawn with the furniture's up along +y; with the grain along the roll
        that is -90° (up runs along +X); one-way fabric forbids the 180° twin.
        """
        rr = self.railroaded if railroad is None else railroad
        base = (0, 180) if rr else (-90, 90)
        return base[:1] if self.one_way else base
