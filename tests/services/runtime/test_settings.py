from __future__ import annotations

from pathlib import Path

import pytest

from services.errors import InvalidArgument
from services.runtime.settings import ServiceSettings, load_settings


class DemoSettings(ServiceSettings):
    section = "demo"


def test_file_then_env_then_arguments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "box.toml"
    config.write_text('log_level = "DEBUG"\nport = 1\n[demo]\nport = 2\ngrace_s = 7\n')
    monkeypatch.setenv("STITCHSKETCH_GRACE_S", "9")
    settings = load_settings(DemoSettings, config, data_dir=tmp_path)
    assert settings.log_level == "DEBUG"  # top level of the file
    assert settings.port == 2  # the service's table beats the top level
    assert settings.grace_s == 9  # the environment beats the file
    assert load_settings(DemoSettings, config, port=3, data_dir=tmp_path).port == 3
    assert settings.service_dir == tmp_path / "demo"


def test_unknown_keys_are_refused(tmp_path: Path) -> None:
    config = tmp_path / "box.toml"
    config.write_text("[demo]\nprot = 5\n")
    with pytest.raises(InvalidArgument, match="prot"):
        load_settings(DemoSettings, config)


def test_bad_values_are_explained(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument, match="port"):
        load_settings(DemoSettings, port=70000, data_dir=tmp_path)


def test_every_field_is_documented() -> None:
    for name, field in DemoSettings.model_fields.items():
        assert field.title and field.description, f"{name} lacks a title or description"
