"""Settings of the UI process (section [ui] of the box config, STITCHSKETCH_* env)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Literal

from pydantic import Field, field_validator

from services.runtime.settings import ServiceSettings


class UiSettings(ServiceSettings):
    """The touchscreen/tablet web app: where it listens and how it finds the services."""

    section: ClassVar[str] = "ui"

    port: int = Field(
        8080, ge=0, le=65535, title="Port", description="HTTP port of the web app (kiosk, tablets)."
    )
    shop_name: str = Field(
        "StitchSketch",
        title="Shop name",
        description="Shown in the header until the owner changes it in the app.",
    )
    units: Literal["imperial", "metric"] = Field(
        "imperial",
        title="Units",
        description="Lengths shown in inches/yards or cm/m until the owner changes it.",
    )
    capture_address: str = Field(
        "",
        title="Capture address",
        description="HOST:PORT of the capture service; empty finds it over mDNS "
        "(or through static_services).",
    )
    patterns_address: str = Field(
        "",
        title="Patterns address",
        description="HOST:PORT of the patterns service; empty finds it over mDNS "
        "(or through static_services).",
    )
    reconstruction_address: str = Field(
        "",
        title="Reconstruction address",
        description="HOST:PORT of the reconstruction service; empty finds it over mDNS "
        "(or through static_services).",
    )
    mat_layout_file: str = Field(
        "",
        title="Own calibration mat",
        description="JSON file with the marker layout of a mat the shop made itself "
        "(stitchsketch.v1.MatLayout in protobuf JSON); empty: the printed StitchSketch mat.",
    )
    discovery_timeout_s: float = Field(
        3.0, gt=0, title="Discovery timeout", description="How long to wait for mDNS answers."
    )
    token_ttl_s: float = Field(
        900.0,
        ge=60,
        title="Token lifetime",
        description="Seconds a person's service token lives; the UI renews it while in use.",
    )
    session_hours: float = Field(
        12.0,
        gt=0,
        title="Session length",
        description="Hours after which a login expires and the PIN is asked again.",
    )
    max_upload_mb: int = Field(
        64, ge=1, title="Upload limit", description="Largest photo a browser may upload, in MB."
    )
    demo_owner: bool = Field(
        False,
        title="Demo owner",
        description="On an empty box create owner 'Owner' with PIN 1234 (demos only).",
    )

    @property
    def database_path(self) -> Path:
        """The UI's DuckDB file: users, projects, shop settings."""
        return self.service_dir / "ui.duckdb"

    @field_validator("capture_address", "patterns_address", "reconstruction_address")
    @classmethod
    def _target(cls, value: str) -> str:
        if value.strip():
            from appliance.mdns import split_target

            split_target(value)
        return value.strip()
