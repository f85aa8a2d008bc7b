"""The 3D model page with NiceGUI's simulated user, against real capture and reconstruction
servers: what it says without photos, refusals and failures in words, cancel, a reload
and a service restart in the middle of a run, viewers, the file routes and the mat.

The end-to-end run (a rendered ottoman to a measured model, crop, known length) is in
test_model_end_to_end.py.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from nicegui import ui
from nicegui.testing import User

from services.errors import InvalidArgument
from services.reconstruction.app import Reconstruction
from services.runtime.server import ServiceRuntime
from stitchsketch.v1 import reconstruction_pb2
from tests.conftest import ReconstructionFactory
from tests.services.capture.helpers import Client
from tests.ui.conftest import Person
from tests.ui.helpers import login, new_project
from tests.ui.photos import jpeg
from ui.components.model_figures import scale_text
from ui.context import load_mat_layout
from ui.pages.model import shop_log_line


@pytest.fixture
async def recon(reconstruction_factory: ReconstructionFactory,
                capture: ServiceRuntime) -> Reconstruction:
    return await reconstruction_factory(capture.target)


@pytest.fixture
def ui_env(ui_env: None, recon: Reconstruction, monkeypatch: pytest.MonkeyPatch) -> None:
    """The UI's environment plus where the reconstruction service is."""
    monkeypatch.setenv("STITCHSKETCH_RECONSTRUCTION_ADDRESS", recon.runtime.target)


async def upload(capture: ServiceRuntime, token: str, project_id: str, count: int) -> None:
    """`count` sharp, unique photos that share nothing (they will never register)."""
    async with Client(capture.target, token) as client:
        for seed in range(count):
            await client.upload(jpeg(seed, (640, 480)), project_id=project_id,
                                filename=f"IMG_{seed:04d}.jpg", camera_id="test")


def text_of(user: User, marker: str) -> str:
    return next(iter(user.find(marker=marker).elements)).text


def enabled(user: User, marker: str) -> bool:
    return next(iter(user.find(marker=marker).elements)).enabled


async def test_routes_need_a_login_and_the_projects_job_and_the_mat_prints(
        ui_user: User, people: dict[str, Person]) -> None:
    http = ui_user.http_client
    assert (await http.get("/calibration-mat/a4")).status_code == 401
    assert (await http.get("/project/p1/model/job1/model.glb")).status_code == 401
    await login(ui_user, people["viewer"])  # printing the mat needs no more than a look
    for paper in ("a4", "letter"):
        reply = await http.get(f"/calibration-mat/{paper}")
        assert reply.status_code == 200 and reply.content.startswith(b"%PDF"), reply.text
        assert reply.headers["content-type"] == "application/pdf"
        assert f"calibration-mat-{paper}.pdf" in reply.headers["content-disposition"]
    assert (await http.get("/calibration-mat/a3")).status_code == 404
    assert (await http.get("/project/p1/model/job1/model.glb")).status_code == 404
    assert (await http.get("/project/p1/model/job1/secrets.txt")).status_code == 404
    await ui_user.open("/project/nobody-here/model")
    await ui_user.should_see("There is no project nobody-here.")


async def test_without_photos_the_page_says_what_to_do(
        ui_user: User, people: dict[str, Person]) -> None:
    await login(ui_user, people["staff"])
    project_id = await new_project(ui_user, "Mrs Ito")
    ui_user.find(marker="open-model").click()
    await ui_user.should_see(marker="photo-status", content="No photos yet", retries=50)
    assert "lay the calibration mat" in text_of(ui_user, "photo-status").lower()
    assert not enabled(ui_user, "quality-normal")
    await ui_user.should_see(marker="go-photos")
    assert "Print at 100 %" in text_of(ui_user, "mat-instruction")

    # The mat prints from here (and from the project page) in the shop's paper.
    ui_user.find(marker="mat-letter").click()
    pdf = await ui_user.download.next(timeout=30)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    ui_user.find(marker="go-photos").click()
    await ui_user.should_see(marker="photo-grid", retries=50)  # the photos page
    assert ui_user.back_history[-1] == f"/project/{project_id}"
    await ui_user.should_see(marker="mat-a4")  # the mat prints from there too


async def test_too_few_photos_are_refused_in_words(
        ui_user: User, people: dict[str, Person], capture: ServiceRuntime,
        staff_token: str) -> None:
    await login(ui_user, people["staff"])
    project_id = await new_project(ui_user, "Mr Brandt")
    await upload(capture, staff_token, project_id, 2)
    await ui_user.open(f"/project/{project_id}/model")
    await ui_user.should_see(marker="photo-status", content="Only 2 usable photos", retries=50)
    ui_user.find(marker="quality-preview").click()
    await ui_user.should_see(marker="model-message", content="The model was not started",
                             retries=100)
    message = text_of(ui_user, "model-message")
    assert "only 2 usable photos" in message and "at least 3" in message, message
    await ui_user.should_not_see(marker="job-bar")
    await ui_user.should_not_see(marker="runs", content="Runs")


async def test_a_run_survives_reload_and_restart_then_fails_readably_or_is_cancelled(
        ui_user: User, people: dict[str, Person], capture: ServiceRuntime,
        reconstruction_factory: ReconstructionFactory, recon: Reconstruction,
        staff_token: str) -> None:
    await login(ui_user, people["staff"])
    project_id = await new_project(ui_user, "Ms Dubois")
    await upload(capture, staff_token, project_id, 3)  # three photos that never register
    page = f"/project/{project_id}/model"
    await ui_user.open(page)
    await ui_user.should_see(marker="photo-status", content="3 photos ready", retries=50)
    ui_user.find(marker="quality-preview").click()
    await ui_user.should_see(marker="job-bar", retries=100)

    # A reload finds the run again (the project remembers it) and follows it.
    await ui_user.open(page)
    await ui_user.should_see(marker="job-bar", retries=100)

    # The service restarts at the same address: the page follows the job again.
    port = int(recon.runtime.target.rsplit(":", 1)[1])
    await recon.runtime.stop(grace=0.2)
    await ui_user.should_see(marker="job-detail", content="retrying", retries=100)
    await reconstruction_factory(capture.target, port=port)
    await ui_user.should_see(marker="model-message", content="This run failed: ", retries=400)
    message = text_of(ui_user, "model-message")
    assert "only 0 of 3 photos could be placed" in message, message
    assert "take more photos with more overlap" in message

    # Another run, cancelled while it works.
    ui_user.find(marker="quality-preview").click()
    await ui_user.should_see(marker="job-cancel", retries=100)
    ui_user.find(marker="job-cancel").click()
    await ui_user.should_see(marker="model-message", content="This run was cancelled",
                             retries=200)
    runs = next(iter(ui_user.find(marker="runs").elements))
    assert len([b for b in runs.descendants() if isinstance(b, ui.button)]) == 2
    ui_user.find(marker="run-" + _first_run(ui_user)).click()  # the failed one again
    await ui_user.should_see(marker="model-message", content="This run failed", retries=100)

    # A viewer sees the runs but cannot start, cancel or build again.
    ui_user.find(marker="logout").click()
    await ui_user.should_see("Tap your name", retries=30)
    await login(ui_user, people["viewer"])
    await ui_user.open(page)
    await ui_user.should_see(marker="model-message", retries=100)
    await ui_user.should_see(marker="viewer-note")
    await ui_user.should_not_see(marker="quality-preview")
    await ui_user.should_not_see(marker="build-again")


def _first_run(user: User) -> str:
    """The id of the older of two runs (the buttons are newest first)."""
    runs = next(iter(user.find(marker="runs").elements))
    marks = [m for b in runs.descendants() if isinstance(b, ui.button) for m in b._markers
             if m.startswith("run-")]
    return marks[-1].removeprefix("run-")


def test_log_lines_are_shown_without_colmaps_prefix() -> None:
    line = "I20260302 10:00:00.123456 1234 feature_matching.cc:218] in 1.214s"
    assert shop_log_line(line) == "in 1.214s"
    assert shop_log_line("running") == ""
    assert shop_log_line("depth maps: 3 of 16") == "depth maps: 3 of 16"


async def test_nothing_blocks_while_the_service_is_away(
        ui_user: User, people: dict[str, Person], recon: Reconstruction) -> None:
    """Without the service, the mat cannot print: a clear 503, and the page still works."""
    await recon.runtime.stop(grace=0.2)
    await login(ui_user, people["staff"])
    started = asyncio.get_running_loop().time()
    reply = await ui_user.http_client.get("/calibration-mat/a4")
    assert reply.status_code == 503 and "unavailable" in reply.text
    assert asyncio.get_running_loop().time() - started < 20


def test_the_scale_is_told_in_words() -> None:
    model = reconstruction_pb2.GetModelResponse
    assert scale_text(model(scaled=True, scale_source="markers", scale_residual=0.004))[2] == (
        "Measured with the mat (±0.4 %)")
    poor = scale_text(model(scaled=True, scale_source="markers", scale_residual=0.08))
    assert poor[0] == "warning" and "fits poorly (±8.0 %)" in poor[2]
    assert "entered" in scale_text(model(scaled=True, scale_source="known_length"))[2]
    unscaled = scale_text(model(scaled=False, scale_source="none"))[2]
    assert unscaled.startswith("Unscaled") and "tap two points and enter the distance" in unscaled


def test_the_shops_own_mat_is_read_once_or_refused_readably(tmp_path: Path) -> None:
    assert load_mat_layout("") is None
    good = tmp_path / "mat.json"
    good.write_text('{"dictionary": "DICT_4X4_50", "markerLengthM": 0.1, "sheets": '
                    '[{"name": "mat", "markers": [{"id": 3}]}]}')
    layout = load_mat_layout(str(good))
    assert layout is not None and layout.marker_length_m == 0.1
    assert layout.sheets[0].markers[0].id == 3
    for text in ("not json", '{"markerSize": 1}'):
        good.write_text(text)
        with pytest.raises(InvalidArgument) as err:
            load_mat_layout(str(good))
        assert err.value.field == "mat_layout_file" and str(good) in err.value.message
    with pytest.raises(InvalidArgument, match="cannot use the mat layout"):
        load_mat_layout(str(tmp_path / "missing.json"))
