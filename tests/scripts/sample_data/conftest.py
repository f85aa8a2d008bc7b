"""Small rendered shoots shared by the sample-data tests (rendered once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.sample_data import ShootInfo
from scripts.sample_data.render_shoot import render_shoot


@pytest.fixture(scope="session")
def ottoman_shoot(tmp_path_factory: pytest.TempPathFactory) -> ShootInfo:
    """Eight 640x480 photos of the ottoman: enough views for every marker to be seen."""
    out: Path = tmp_path_factory.mktemp("ottoman_shoot")
    return render_shoot(out, photos=8, size=(640, 480), seed=1, scene="ottoman")


@pytest.fixture(scope="session")
def chair_shoot(tmp_path_factory: pytest.TempPathFactory) -> ShootInfo:
    """Eight 640x480 photos of the chair: a low ring of five, a high ring of three."""
    out: Path = tmp_path_factory.mktemp("chair_shoot")
    return render_shoot(out, photos=8, size=(640, 480), seed=2, scene="chair")
