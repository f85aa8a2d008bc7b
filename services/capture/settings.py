"""Capture settings: the shared service settings plus the per-photo limits."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from services.runtime.settings import ServiceSettings


class CaptureSettings(ServiceSettings):
    """The `[capture]` table of the box config, or STITCHSKETCH_* environment variables."""

    section: ClassVar[str] = "capture"

    max_photo_bytes: int = Field(
        60_000_000,
        gt=0,
        title="Largest photo (bytes)",
        description="Uploads larger than this are refused while they arrive.",
    )
    max_megapixels: float = Field(
        120.0,
        gt=0,
        title="Largest photo (megapixels)",
        description="Photos with more pixels are refused from their header, never decoded.",
    )
    workers: int = Field(
        0,
        ge=0,
        title="Check workers",
        description="Photos decoded and checked at once (in threads); 0: the CPU count plus one.",
    )
    pairing_code_ttl_s: float = Field(
        300.0,
        gt=0,
        title="Pairing code lifetime (s)",
        description="How long a code shown on the kiosk works.",
    )
    pairing_max_failures: int = Field(
        5,
        ge=1,
        title="Wrong pairing codes allowed",
        description="After this many wrong codes all live codes are burned.",
    )
    watch_queue_size: int = Field(
        256,
        ge=1,
        title="Watch backlog",
        description="Events a watcher may fall behind before its stream is cut off.",
    )
