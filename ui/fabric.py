"""The fabric a layout is made for, as the page keeps it (metres, price per yard), as the
proto sends it, and as the query string of an export link carries it."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from urllib.parse import urlencode

from services.errors import InvalidArgument
from stitchsketch.v1 import patterns_pb2
from ui.units import INCH

#: Shop defaults until the shop keeps its own: 54 in plain fabric, no price, no labour.
DEFAULT_WIDTH_M = 54 * INCH
MAX_WIDTH_M = 4.0
MAX_REPEAT_M = 2.0


@dataclass(frozen=True)
class FabricInputs:
    width_m: float = DEFAULT_WIDTH_M
    repeat_vertical_m: float = 0.0
    repeat_horizontal_m: float = 0.0
    one_way: bool = False
    railroaded: bool = False
    price_per_yard: float = 0.0
    labour: float = 0.0

    def checked(self) -> FabricInputs:
        """These inputs, or InvalidArgument naming the first that makes no sense."""
        if not 0.1 <= self.width_m <= MAX_WIDTH_M:
            raise InvalidArgument(
                "the fabric width must be between 4 in (10 cm) and 4 m", field="width_m"
            )
        for name in ("repeat_vertical_m", "repeat_horizontal_m"):
            if not 0 <= getattr(self, name) <= MAX_REPEAT_M:
                raise InvalidArgument("a pattern repeat must be between 0 and 2 m", field=name)
        for name in ("price_per_yard", "labour"):
            value = getattr(self, name)
            if not (math.isfinite(value) and 0 <= value < 1e7):
                raise InvalidArgument(f"{name.replace('_', ' ')} must be 0 or more", field=name)
        return self

    def spec(self) -> patterns_pb2.FabricSpec:
        return patterns_pb2.FabricSpec(
            width_m=self.width_m,
            repeat_vertical_m=self.repeat_vertical_m,
            repeat_horizontal_m=self.repeat_horizontal_m,
            one_way=self.one_way,
            railroaded=self.railroaded,
            price_per_yard=self.price_per_yard,
        )

    def query(self) -> str:
        """As an export link's query string (the route reads it back with `from_query`)."""
        return urlencode(
            {k: (int(v) if isinstance(v, bool) else f"{v:.6g}") for k, v in asdict(self).items()}
        )

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> FabricInputs:
        """Inputs from a query string; missing keys keep their defaults."""
        values: dict[str, float | bool] = {}
        for f in fields(cls):
            raw = params.get(f.name)
            if raw is None:
                continue
            try:
                values[f.name] = raw in ("1", "true") if f.type in (bool, "bool") else float(raw)
            except ValueError as exc:
                raise InvalidArgument(f"{f.name} is not a number", field=f.name) from exc
        return replace(cls(), **values).checked()
