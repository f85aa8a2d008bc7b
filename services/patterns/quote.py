"""Yardage and price: what the shop orders and what the customer pays."""

from __future__ import annotations

from dataclasses import dataclass

from services.errors import InvalidArgument
from services.patterns.fabric import Fabric
from services.patterns.nest_pieces import Layout
from services.patterns.units import round_up_yards


@dataclass(frozen=True)
class Quote:
    """Mirrors the money part of `stitchsketch.v1.LayoutPiecesResponse`."""

    length_m: float
    yards: float
    utilization: float
    price_per_yard: float
    fabric_cost: float
    labour: float
    total: float


def make_quote(layout: Layout, fabric: Fabric, labour: float = 0.0) -> Quote:
    """Yards rounded up to 1/8 yd, times the price, plus labour."""
    if labour < 0:
        raise InvalidArgument("labour must not be negative", field="labour")
    yards = round_up_yards(layout.length_m)
    cost = round(yards * fabric.price_per_yard, 2)
    return Quote(layout.length_m, yards, layout.utilization, fabric.price_per_yard, cost,
                 round(labour, 2), round(cost + labour, 2))
