"""Reconstruction settings: the shared service settings plus where the photos come from
and how large a job may be."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from services.runtime.settings import ServiceSettings


class ReconstructionSettings(ServiceSettings):
    """The `[reconstruction]` table of the box config, or STITCHSKETCH_* environment
    variables."""

    section: ClassVar[str] = "reconstruction"

    discover_mdns: bool = Field(
        True,
        title="Find services over mDNS",
        description="Browse the LAN for the capture service (else static addresses only).",
    )
    capture_timeout_s: float = Field(
        120.0,
        gt=0,
        le=3600,
        title="Photo download timeout (s)",
        description="How long listing a project's photos or fetching one photo may take.",
    )
    max_photos: int = Field(
        250,
        ge=3,
        le=2000,
        title="Most photos per job",
        description="A larger set is refused at submit: split the shoot or pick photos.",
    )
