"""Lengths at the edge of the UI: metres inside, inches/yards or cm/m on screen.

Every number a person types or reads goes through `Units`, so the pages never convert
by hand. Fabric is priced per yard in the protos; a metric shop types a price per metre.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

INCH = 0.0254
YARD = 0.9144
SQ_FOOT = 0.09290304


@dataclass(frozen=True)
class Units:
    """The shop's unit system: "imperial" (in, yd, ft²) or "metric" (cm, m, m²)."""

    system: str = "imperial"

    @property
    def metric(self) -> bool:
        return self.system == "metric"

    @property
    def length_unit(self) -> str:
        """Unit of typed lengths (widths, repeats, seam allowances)."""
        return "cm" if self.metric else "in"

    @property
    def roll_unit(self) -> str:
        """Unit fabric is ordered and priced in."""
        return "m" if self.metric else "yd"

    def to_input(self, metres: float) -> float:
        """A length in metres as the number shown in an input field."""
        return round(metres * 100, 1) if self.metric else round(metres / INCH, 3)

    def from_input(self, value: float | None) -> float:
        """A typed length (cm or in) in metres; empty is 0."""
        if value is None or not math.isfinite(value):
            return 0.0
        return value / 100 if self.metric else value * INCH

    def length(self, metres: float) -> str:
        """21 1/4 in, or 54.0 cm."""
        if self.metric:
            return f"{metres * 100:.1f} cm"
        eighths = round(metres / INCH * 8)
        whole, rest = divmod(eighths, 8)
        if rest == 0:
            return f"{whole} in"
        num, den = rest, 8
        while num % 2 == 0:
            num, den = num // 2, den // 2
        return f"{whole} {num}/{den} in" if whole else f"{num}/{den} in"

    def size(self, width_m: float, height_m: float) -> str:
        """Width × height of a piece."""
        return f"{self.length(width_m)} × {self.length(height_m)}"

    def area(self, square_metres: float) -> str:
        if self.metric:
            return f"{square_metres:.2f} m²"
        return f"{square_metres / SQ_FOOT:.1f} ft²"

    def order(self, yards: float, length_m: float) -> str:
        """Fabric to order: yards to 1/8 (as the service rounds) or metres up to 0.1 m."""
        if self.metric:
            return f"{math.ceil(length_m * 10 - 1e-9) / 10:.1f} m"
        whole, rest = divmod(round(yards * 8), 8)
        if rest == 0:
            return f"{whole} yd"
        num, den = rest, 8
        while num % 2 == 0:
            num, den = num // 2, den // 2
        return f"{whole} {num}/{den} yd" if whole else f"{num}/{den} yd"

    def price_to_per_yard(self, price: float | None) -> float:
        """A typed price per yard (imperial) or per metre (metric) as the proto's per yard."""
        if price is None or not math.isfinite(price):
            return 0.0
        return price * YARD if self.metric else price

    def price_from_per_yard(self, per_yard: float) -> float:
        return round(per_yard / YARD, 2) if self.metric else per_yard


def money(amount: float, currency: str) -> str:
    """$1,234.50 (the currency as the service gives it, e.g. "$", "€", "CHF ")."""
    return f"{currency}{amount:,.2f}"
