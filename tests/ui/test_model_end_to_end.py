"""From photos to a measured model through the 3D model page, with NiceGUI's simulated
user and real capture, reconstruction and patterns servers (slow: one real run).

A rendered ottoman shoot (exact ground truth) plus a stray photo that cannot register and
one the quality checks reject go to capture; the page starts a quick preview, follows it
to the end and shows the size (within a few % of the truth, scaled by the shoot's mat,
which the box knows from its mat layout file), the stray photo to retake, and the model
through the UI's file route. Then a crop box makes a new run, a known length rescales it,
and the patterns page makes patterns from it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from nicegui import ui
from nicegui.testing import User

from services.patterns.app import Patterns
from services.reconstruction.app import Reconstruction
from services.reconstruction.glb import decode_positions
from services.runtime.server import ServiceRuntime
from tests.conftest import PatternsFactory, ReconstructionFactory
from tests.services.capture import helpers
from tests.services.capture.helpers import Client
from tests.ui.conftest import Person
from tests.ui.helpers import login, new_project
from tests.ui.photos import jpeg
from tests.ui.shoot import SIZE, render, write_mat_file
from ui.components.panel_scene import PanelScene
from ui.store import Store

RUN_RETRIES = 4000  # 0.1 s each: a run takes 1-3 min on a busy 2-core box


@pytest.fixture(scope="module")
def shoot(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return render(tmp_path_factory.mktemp("shoot"))


@pytest.fixture
async def recon(reconstruction_factory: ReconstructionFactory,
                capture: ServiceRuntime) -> Reconstruction:
    return await reconstruction_factory(capture.target)


@pytest.fixture
async def patterns(patterns_factory: PatternsFactory, recon: Reconstruction) -> Patterns:
    return await patterns_factory(static_services=f"reconstruction={recon.runtime.target}")


@pytest.fixture
def ui_env(ui_env: None, recon: Reconstruction, patterns: Patterns, shoot: Any,
           tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The UI's environment, the services, and the shop's own mat (the shoot's)."""
    mat = write_mat_file(shoot, tmp_path / "mat.json")
    monkeypatch.setenv("STITCHSKETCH_RECONSTRUCTION_ADDRESS", recon.runtime.target)
    monkeypatch.setenv("STITCHSKETCH_PATTERNS_ADDRESS", patterns.runtime.target)
    monkeypatch.setenv("STITCHSKETCH_MAT_LAYOUT_FILE", str(mat))


def text_of(user: User, marker: str) -> str:
    return next(iter(user.find(marker=marker).elements)).text


def centimetres(user: User) -> tuple[float, float, float]:
    values = []
    for name in ("dim-width", "dim-depth", "dim-height"):
        found = re.fullmatch(r"([\d.]+) cm", text_of(user, name))
        assert found, text_of(user, name)
        values.append(float(found.group(1)) / 100)
    return values[0], values[1], values[2]


def run_labels(user: User) -> list[str]:
    """The run buttons' words (label · date), newest first."""
    runs = next(iter(user.find(marker="runs").elements))
    return [b.props["label"] for b in runs.descendants() if isinstance(b, ui.button)]


def tap_model(user: User, point: tuple[float, float, float]) -> None:
    """A tap on the model at `point` (what three.js reports for the mesh under a finger)."""
    view = next(iter(user.find(marker="model-view").elements))
    assert isinstance(view, PanelScene) and view.model_id
    x, y, z = point
    user.find(marker="panel-scene").trigger("click3d", {
        "click_type": "click", "button": 0, "alt_key": False, "ctrl_key": False,
        "meta_key": False, "shift_key": False,
        "hits": [{"object_id": view.model_id, "object_name": "piece",
                  "point": {"x": x, "y": y, "z": z}}],
    })


@pytest.mark.slow
async def test_photos_to_a_measured_model_crop_known_length_and_patterns(
        ui_user: User, people: dict[str, Person], capture: ServiceRuntime, shoot: Any,
        staff_token: str, data_dir: Path) -> None:
    await login(ui_user, people["staff"])
    project_id = await new_project(ui_user, "Mrs Okafor")
    store = Store(data_dir / "ui" / "ui.duckdb")  # the UI's own file, in this process
    try:
        store.shop.update(units="metric")
    finally:
        store.close()
    async with Client(capture.target, staff_token) as client:
        for path in shoot.images:
            await client.upload(path.read_bytes(), project_id=project_id, filename=path.name)
        stray = await client.upload(jpeg(7, SIZE), project_id=project_id, filename="stray.jpg")
        black = helpers.jpeg(800, 600, pixels=np.zeros((600, 800, 3), np.uint8))
        await client.upload(black, project_id=project_id, filename="lens_cap.jpg")

    # Start a quick preview from the page and follow it to the end.
    await ui_user.open(f"/project/{project_id}/model")
    await ui_user.should_see(marker="photo-status", content="17 photos ready (1 to retake)",
                             retries=50)
    ui_user.find(marker="quality-preview").click()
    await ui_user.should_see(marker="job-bar", retries=100)
    await ui_user.should_see(marker="model-view", retries=RUN_RETRIES)

    # The size in the shop's units, measured with the mat; the stray photo to retake.
    w, d, h = shoot.dimensions_m
    width, depth, height = centimetres(ui_user)
    assert height == pytest.approx(h, rel=0.02)
    assert width == pytest.approx(w, rel=0.04) and depth == pytest.approx(d, rel=0.04)
    assert text_of(ui_user, "scale-status").startswith("Measured with the mat (±")
    assert text_of(ui_user, "registered") == "16 of 17 photos placed"
    assert text_of(ui_user, "retake-title") == "1 photo did not fit — retake it"
    await ui_user.should_see(marker="retake-stray.jpg")
    thumb = await ui_user.http_client.get(f"/media/{project_id}/{stray.photo.id}/thumb")
    assert thumb.status_code == 200 and thumb.content[:2] == b"\xff\xd8"

    # The model through the UI's route; downloads of the full-resolution files.
    store = Store(data_dir / "ui" / "ui.duckdb")
    try:
        first = store.jobs.latest(project_id, "reconstruction")
    finally:
        store.close()
    assert first is not None and first.label == "17 photos · quick preview"
    glb = await ui_user.http_client.get(f"/project/{project_id}/model/{first.job_id}/model.glb")
    assert glb.status_code == 200 and glb.content[:4] == b"glTF"
    assert decode_positions(glb.content)[:, 2].max() == pytest.approx(h, rel=0.03)
    ui_user.find(marker="download-model.ply").click()
    ply = await ui_user.download.next(timeout=60)
    assert ply.status_code == 200 and ply.content.startswith(b"ply")

    # Crop 2 cm off the floor (the plinth's foot, not the size): a new run, same figures.
    ui_user.find(marker="open-crop").click()
    await ui_user.should_see(marker="crop-apply")
    ui_user.find(marker="crop-floor-more").click()
    assert text_of(ui_user, "crop-floor") == "2.0 cm"
    ui_user.find(marker="crop-apply").click()
    await ui_user.should_see(marker="job-bar", retries=100)
    await ui_user.should_see(marker="model-view", retries=RUN_RETRIES)
    cropped = centimetres(ui_user)
    assert cropped[2] == pytest.approx(h, rel=0.02)
    assert cropped[0] == pytest.approx(w, rel=0.04)
    assert [label.split(" · ")[:-1] for label in run_labels(ui_user)] == [
        ["cropped", "17 photos", "quick preview"], ["17 photos", "quick preview"]]

    # A known length: 45 cm on the model said to be 90 cm doubles every figure.
    ui_user.find(marker="open-known-length").click()
    await ui_user.should_see(marker="length-hint", content="Tap one end")
    tap_model(ui_user, (0.0, 0.0, 0.0))
    await ui_user.should_see(marker="length-hint", content="Now tap the other end")
    tap_model(ui_user, (0.0, 0.0, 0.45))
    await ui_user.should_see(marker="length-apply")
    for key in "90":
        ui_user.find(marker=f"length-{key}").click()
    assert text_of(ui_user, "length-value") == "90"
    ui_user.find(marker="length-apply").click()
    await ui_user.should_see(marker="scale-status", content="Sized from a length you entered",
                             retries=1200)
    doubled = centimetres(ui_user)
    assert doubled[2] == pytest.approx(2 * cropped[2], rel=0.01)
    assert doubled[0] == pytest.approx(2 * cropped[0], rel=0.02)

    # A reload shows the latest run again; the patterns page makes patterns from it.
    await ui_user.open(f"/project/{project_id}/model")
    await ui_user.should_see(marker="scale-status", content="Sized from a length",
                             retries=300)
    await ui_user.open(f"/project/{project_id}/patterns")
    await ui_user.should_see(content="3D model cropped · 17 photos", retries=50)
    ui_user.find(marker="patterns-from-model").click()
    await ui_user.should_see(marker="job-stage", content="Finding the panels", retries=600)

    # A viewer sees the model and its size, not the tools that change it.
    ui_user.find(marker="logout").click()
    await ui_user.should_see("Tap your name", retries=30)
    await login(ui_user, people["viewer"])
    await ui_user.open(f"/project/{project_id}/model")
    await ui_user.should_see(marker="scale-status", content="Sized from a length", retries=300)
    await ui_user.should_see(marker="model-view")
    for tool in ("open-crop", "open-known-length", "build-again"):
        await ui_user.should_not_see(marker=tool)
