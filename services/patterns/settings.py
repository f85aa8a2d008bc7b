"""Patterns settings: the shared service settings plus the shop's pattern defaults.

Lengths are metres like everywhere inside; the titles say the usual shop figure.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from services.patterns.units import (
    DEFAULT_FABRIC_WIDTH_M,
    DEFAULT_SEAM_ALLOWANCE_M,
    DEFAULT_SPACING_M,
    UnitSystem,
)
from services.runtime.settings import ServiceSettings


class PatternsSettings(ServiceSettings):
    """The `[patterns]` table of the box config, or STITCHSKETCH_* environment variables."""

    section: ClassVar[str] = "patterns"

    fabric_width_m: float = Field(
        DEFAULT_FABRIC_WIDTH_M,
        gt=0.05,
        title="Fabric width (m)",
        description="Roll width when a layout names none; 54 in (1.3716 m) is usual.",
    )
    seam_allowance_m: float = Field(
        DEFAULT_SEAM_ALLOWANCE_M,
        ge=0,
        le=0.1,
        title="Seam allowance (m)",
        description="Added around every piece unless a job or an edge says otherwise; 1/2 in.",
    )
    spacing_m: float = Field(
        DEFAULT_SPACING_M,
        ge=0,
        le=0.1,
        title="Gap between pieces (m)",
        description="Room left between pieces on the roll for the cutter; 1/4 in.",
    )
    nest_seconds: float = Field(
        3.0,
        gt=0,
        le=60,
        title="Nesting time (s)",
        description="How long a layout searches for a shorter marker.",
    )
    max_area_distortion: float = Field(
        0.03,
        gt=0,
        lt=1,
        title="Area distortion flag",
        description="Flag a panel whose area changes by more than this fraction when flat.",
    )
    max_stretch_pct: float = Field(
        5.0,
        gt=0,
        title="Stretch flag (%)",
        description="Flag a panel whose fabric would stretch locally by more than this.",
    )
    units: UnitSystem = Field(
        UnitSystem.IMPERIAL,
        title="Units",
        description="How lengths are printed on labels and exports: imperial or metric.",
    )
    currency: str = Field(
        "$", max_length=8, title="Currency", description="Shown before amounts on quotes."
    )
    max_mesh_bytes: int = Field(
        512 * 1024 * 1024,
        gt=0,
        title="Largest mesh upload (bytes)",
        description="Uploads larger than this are refused while they arrive.",
    )
    max_mesh_triangles: int = Field(
        3_000_000,
        gt=0,
        title="Most triangles in a mesh",
        description="Larger meshes are refused: decimate them first.",
    )
    discover_mdns: bool = Field(
        True,
        title="Find services over mDNS",
        description="Browse the LAN for the reconstruction service (else static addresses).",
    )
    fetch_timeout_s: float = Field(
        300.0,
        gt=0,
        title="Model download timeout (s)",
        description="How long fetching a model from the reconstruction service may take.",
    )
