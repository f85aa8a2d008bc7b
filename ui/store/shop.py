"""Shop-wide settings kept in the database (name shown in the header, length units)."""

from __future__ import annotations

from dataclasses import dataclass

from services.errors import InvalidArgument
from ui.store.db import Database

UNITS = ("imperial", "metric")


@dataclass(frozen=True)
class ShopSettings:
    shop_name: str = "StitchSketch"
    units: str = "imperial"


class ShopSettingsRepo:
    """Key/value rows; a missing key falls back to the defaults from the UI settings."""

    def __init__(self, db: Database, defaults: ShopSettings):
        self._db = db
        self._defaults = defaults

    def get(self) -> ShopSettings:
        rows = dict(self._db.fetchall("SELECT key, value FROM settings"))
        return ShopSettings(
            shop_name=rows.get("shop_name", self._defaults.shop_name),
            units=rows.get("units", self._defaults.units),
        )

    def update(self, *, shop_name: str | None = None, units: str | None = None) -> ShopSettings:
        changes: dict[str, str] = {}
        if shop_name is not None:
            name = " ".join(shop_name.split())
            if not name or len(name) > 60:
                raise InvalidArgument("shop name must have 1 to 60 characters", field="shop_name")
            changes["shop_name"] = name
        if units is not None:
            if units not in UNITS:
                raise InvalidArgument("units must be imperial or metric", field="units")
            changes["units"] = units
        with self._db.transaction() as con:
            for key, value in changes.items():
                con.execute(
                    "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", [key, value]
                )
        return self.get()
