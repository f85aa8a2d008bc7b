"""Typed settings for a service: defaults < TOML file < environment < arguments.

Unknown keys are rejected, so a typo in a config file fails loudly at start instead
of being silently ignored. Every field has a title and a description, so a settings
page can be drawn from the model.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from pydantic import Field
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from appliance.paths import default_data_dir
from services.errors import InvalidArgument

#: Environment variable naming the box's TOML config file.
CONFIG_ENV = "STITCHSKETCH_CONFIG"


class _TomlSource(PydanticBaseSettingsSource):
    """Reads the top-level keys of the config file plus the table named for the service."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path | None, section: str):
        super().__init__(settings_cls)
        self._values: dict[str, Any] = {}
        if path is None or not path.exists():
            return
        data = tomllib.loads(path.read_text())
        self._values = {k: v for k, v in data.items() if not isinstance(v, dict)}
        self._values.update(data.get(section, {}))

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self._values.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self._values)


class ServiceSettings(BaseSettings):
    """Settings shared by every service; each service subclasses to add its own."""

    model_config = SettingsConfigDict(env_prefix="STITCHSKETCH_", extra="forbid")

    #: The table of the config file this service reads, e.g. "capture".
    section: ClassVar[str] = "service"
    _config_file: ClassVar[Path | None] = None

    host: str = Field(
        "0.0.0.0",
        title="Listen address",
        description="Address the gRPC server binds; 0.0.0.0 serves the shop LAN.",
    )
    port: int = Field(0, ge=0, le=65535, title="Port", description="gRPC port; 0 picks a free one.")
    data_dir: Path = Field(
        default_factory=default_data_dir,
        title="Data directory",
        description="Where this box keeps its data; each service uses its own subfolder.",
    )
    advertise: bool = Field(
        True, title="Advertise on the LAN", description="Announce the service over mDNS."
    )
    static_services: str = Field(
        "",
        title="Static service addresses",
        description="Fallback when multicast is blocked: 'capture=10.0.0.5:50051,...'.",
    )
    log_level: str = Field("INFO", title="Log level", description="DEBUG, INFO, WARNING…")
    grace_s: float = Field(
        5.0, ge=0, title="Shutdown grace", description="Seconds to drain calls on SIGTERM."
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        path = cls._config_file or (Path(p) if (p := os.environ.get(CONFIG_ENV)) else None)
        return init_settings, env_settings, _TomlSource(settings_cls, path, cls.section)

    @property
    def service_dir(self) -> Path:
        """This service's own data folder (each process owns its data)."""
        return self.data_dir / self.section


S = TypeVar("S", bound=ServiceSettings)


def load_settings(cls: type[S], config_file: Path | None = None, **overrides: Any) -> S:
    """Build settings, turning validation errors into one readable InvalidArgument."""
    from pydantic import ValidationError

    cls._config_file = config_file
    try:
        return cls(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '?'}: {e['msg']}" for e in exc.errors()
        )
        raise InvalidArgument(f"bad {cls.section} settings: {problems}") from exc
    finally:
        cls._config_file = None
