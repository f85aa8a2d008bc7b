"""The patterns page with NiceGUI's simulated user, against real capture and patterns
servers: upload a mesh, follow the job, read and edit the panels, lay out, export."""

from __future__ import annotations

import asyncio
import io
import re
from pathlib import Path

import ezdxf
import pytest
from nicegui import ui
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User

from services.patterns import sample_meshes
from services.patterns.app import Patterns
from services.patterns.mesh import ply_bytes
from services.runtime.client import open_channel
from stitchsketch.v1 import common_pb2, patterns_pb2, patterns_pb2_grpc
from tests.conftest import PatternsFactory
from tests.ui.conftest import Person
from tests.ui.helpers import login, new_project
from ui.store import Store

#: Small and quick: three panels, the boxing strip (1.1 m) fits across a 54 in roll.
CUSHION = sample_meshes.box_cushion(0.3, 0.25, 0.1)


@pytest.fixture
async def patterns(patterns_factory: PatternsFactory) -> Patterns:
    return await patterns_factory()


@pytest.fixture
def ui_env(ui_env: None, patterns: Patterns, monkeypatch: pytest.MonkeyPatch) -> None:
    """The UI's environment plus where the patterns service is."""
    monkeypatch.setenv("STITCHSKETCH_PATTERNS_ADDRESS", patterns.runtime.target)


def _text(user: User, marker: str) -> str:
    return next(iter(user.find(marker=marker).elements)).text


async def _upload_cushion(user: User, project_id: str) -> None:
    await user.open(f"/project/{project_id}/patterns")
    await user.should_see(marker="no-model", retries=30)
    uploader = next(iter(user.find(marker="mesh-input").elements))
    assert isinstance(uploader, ui.upload)
    await uploader.handle_uploads(
        [SmallFileUpload("cushion.ply", "application/octet-stream", ply_bytes(CUSHION))]
    )


@pytest.mark.slow
async def test_mesh_to_panels_edits_layout_and_dxf(
    ui_user: User, people: dict[str, Person], patterns: Patterns, data_dir: Path
) -> None:
    await login(ui_user, people["staff"])
    project_id = await new_project(ui_user, "Mrs Patel")
    ui_user.find(marker="open-patterns").click()
    await _upload_cushion(ui_user, project_id)
    await ui_user.should_see(content="cushion.ply: 208 triangles", retries=50)

    # The job runs (progress from WatchJob), then the panels are listed with their figures.
    await ui_user.should_see(marker="panel-list", retries=300)
    with ui_user.scope(marker="panel-list"):
        await ui_user.should_see("Seat cushion top")
        await ui_user.should_see("Seat cushion boxing")
        await ui_user.should_see(content="Area 0.8 ft²")  # 0.30 × 0.25 m = 0.075 m²
    assert _text(ui_user, "panel-summary") == "3 panels · 0 flagged · 0 left out"
    async with open_channel(patterns.runtime.target, _token(patterns)) as channel:
        other_tablet = patterns_pb2_grpc.PatternsServiceStub(channel)
        jobs = await other_tablet.ListJobs(common_pb2.ListJobsRequest(project_id=project_id))
        job_id = jobs.jobs[0].id
        panels = await other_tablet.GetPanels(patterns_pb2.GetPanelsRequest(job_id=job_id))
    top = next(p for p in panels.panels if p.name == "seat_cushion_top")

    # Rename one from the standard list.
    ui_user.find(marker=f"panel-{top.id}").click()
    await ui_user.should_see(marker="panel-rename")
    ui_user.find(marker="panel-rename").click()
    await ui_user.should_see(marker="name-save")
    ui_user.find(marker="name-ottoman_top").click()
    ui_user.find(marker="name-save").click()
    await ui_user.should_see("Named Ottoman top", retries=50)
    assert _text(ui_user, f"panel-name-{top.id}") == "Ottoman top"

    # Another tablet edits meanwhile: this page's next edit is refused readably, then shows
    # the other tablet's version.
    async with open_channel(patterns.runtime.target, _token(patterns)) as channel:
        await patterns_pb2_grpc.PatternsServiceStub(channel).EditPanels(
            patterns_pb2.EditPanelsRequest(
                job_id=job_id, rename=patterns_pb2.RenamePanel(panel_id=top.id, name="deck")
            )
        )
    ui_user.find(marker="count-up").click()
    await ui_user.should_see("Someone changed these panels", retries=50)
    await ui_user.should_see(marker=f"panel-name-{top.id}", content="Deck", retries=30)
    ui_user.find(marker="count-up").click()
    await ui_user.should_see(marker="count-value", content="2", retries=50)

    # Split the top along a line tapped across it on the model, then merge the halves back.
    ui_user.find(marker="panel-split").click()
    await ui_user.should_see(marker="split-hint")
    for x in (-0.16, 0.0, 0.16):
        _tap_model(ui_user, top.id, (x, 0.0, 0.1))
    await ui_user.should_see(content="(3 so far)", retries=20)
    ui_user.find(marker="split-here").click()
    await ui_user.should_see("Split into two panels", retries=100)
    assert _text(ui_user, "panel-summary").startswith("4 panels")
    halves = [p for p in await _panels(patterns, job_id) if p.name.startswith("deck")]
    assert len(halves) == 2
    for half in halves:
        ui_user.find(marker=f"panel-{half.id}").click()
    ui_user.find(marker="panel-merge").click()
    await ui_user.should_see("Merged", retries=100)
    assert _text(ui_user, "panel-summary").startswith("3 panels")

    # Leave a panel out and bring it back; pair two as mirrored twins.
    ui_user.find(marker="panel-exclude").click()
    await ui_user.should_see(marker="panel-summary", content="1 left out", retries=50)
    ui_user.find(marker="panel-include").click()
    await ui_user.should_see(marker="panel-summary", content="0 left out", retries=50)
    ids = {p.name: p.id for p in await _panels(patterns, job_id)}
    ui_user.find(marker=f"panel-{ids['seat_cushion_bottom']}").click()
    ui_user.find(marker="panel-pair").click()
    await ui_user.should_see("Mirrored pair set", retries=50)
    await ui_user.should_see(content="Mirror of Deck", retries=20)

    # A wider seam allowance on every edge of the bottom makes its cut piece larger.
    before = next(p for p in await _panels(patterns, job_id) if p.id == ids["seat_cushion_bottom"])
    ui_user.find(marker="select-none").click()
    ui_user.find(marker=f"panel-{before.id}").click()
    ui_user.find(marker="panel-seam").click()
    await ui_user.should_see(marker="seam-save")
    ui_user.find(marker="seam-amount").clear().type("1")
    ui_user.find(marker="seam-save").click()
    for _ in range(100):
        after = next(p for p in await _panels(patterns, job_id) if p.id == before.id)
        if after.piece.width_m > before.piece.width_m:
            break
        await asyncio.sleep(0.1)
    assert after.piece.width_m == pytest.approx(before.piece.width_m + 2 * 0.5 * 0.0254, abs=1e-3)

    # The pieces, coloured by stretch on request.
    ui_user.find(marker="tab-pieces").click()
    await ui_user.should_see(marker=f"piece-{ids['seat_cushion_boxing']}")
    ui_user.find(marker="show-stretch").click()
    for _ in range(50):
        grid = next(iter(ui_user.find(marker="piece-grid").elements))
        drawings = [e.content for e in grid.descendants() if isinstance(e, ui.html)]
        if drawings and all("stroke-opacity" in d for d in drawings):
            break  # every piece drawn with its triangles coloured by stretch
        await asyncio.sleep(0.1)
    assert len(drawings) == 3 and all("stroke-opacity" in d for d in drawings)

    # Fabric: the layout, yardage and quote follow the inputs.
    ui_user.find(marker="tab-layout").click()
    await ui_user.should_see(marker="yards", retries=200)
    wide = _text(ui_user, "yards")
    assert re.fullmatch(r"(\d+ )?(\d/\d )?yd|\d+ yd", wide), wide
    ui_user.find(marker="fabric-width").clear().type("20")
    for _ in range(200):
        if _text(ui_user, "yards") != wide:
            break
        await asyncio.sleep(0.1)
    narrow = _text(ui_user, "yards")
    assert _yards(narrow) > _yards(wide), (wide, narrow)
    ui_user.find(marker="fabric-price").clear().type("40")
    await ui_user.should_see(marker="quote-total", content=f"${_yards(narrow) * 40:,.2f}",
                             retries=200)

    # The DXF comes through the UI's export route and opens in ezdxf.
    ui_user.find(marker="download-pieces.dxf").click()
    response = await ui_user.download.next(timeout=30)
    assert response.status_code == 200, response.text
    doc = ezdxf.read(io.StringIO(response.content.decode()))
    assert len(doc.modelspace().query("LWPOLYLINE")) >= 3
    ui_user.find(marker="download-quote.pdf").click()
    quote = await ui_user.download.next(timeout=30)
    assert quote.status_code == 200 and quote.content.startswith(b"%PDF")
    glb = await ui_user.http_client.get(f"/project/{project_id}/patterns/{job_id}/panels.glb")
    assert glb.status_code == 200 and glb.content[:4] == b"glTF"

    # A metric shop types centimetres and orders metres.
    store = Store(data_dir / "ui" / "ui.duckdb")  # the UI's own file, in this process
    try:
        store.shop.update(units="metric")
    finally:
        store.close()
    await ui_user.open(f"/project/{project_id}/patterns")
    await ui_user.should_see(content="m²", retries=100)
    ui_user.find(marker="tab-layout").click()
    await ui_user.should_see(marker="yards", content=" m", retries=200)
    await ui_user.should_see(content="Width (cm)")

    # A viewer reads the panels but changes nothing (the model and layouts need jobs:run).
    ui_user.find(marker="logout").click()
    await ui_user.should_see("Tap your name", retries=30)
    await login(ui_user, people["viewer"])
    await ui_user.open(f"/project/{project_id}/patterns")
    await ui_user.should_see(marker=f"panel-{top.id}", retries=100)
    ui_user.find(marker=f"panel-{top.id}").click()
    await ui_user.should_see("Viewers can look but not change panels.")
    await ui_user.should_not_see(marker="panel-rename")
    await ui_user.should_not_see(marker="tab-layout")
    await ui_user.should_not_see(marker="upload-mesh")


async def test_patterns_from_the_model_say_why_they_failed(
    ui_user: User, people: dict[str, Person], data_dir: Path
) -> None:
    """The reconstruction UI records its jobs in project_jobs; here none can be reached."""
    await login(ui_user, people["staff"])
    project_id = await new_project(ui_user, "Mr Okafor")
    store = Store(data_dir / "ui" / "ui.duckdb")  # the UI's own file, in this process
    try:
        store.jobs.add(project_id, "reconstruction", "reconstruct", "recon-1", "12 photos")
    finally:
        store.close()
    await ui_user.open(f"/project/{project_id}/patterns")
    await ui_user.should_see(content="3D model 12 photos", retries=150)
    ui_user.find(marker="patterns-from-model").click()
    await ui_user.should_see(marker="job-message", content="This run failed: ", retries=300)
    await ui_user.should_see(content="reconstruction", retries=1)

    # A run with progress can be cancelled (the chair takes a few seconds).
    uploader = next(iter(ui_user.find(marker="mesh-input").elements))
    await uploader.handle_uploads([SmallFileUpload(
        "chair.ply", "application/octet-stream", ply_bytes(sample_meshes.square_arm_chair()))])
    await ui_user.should_see(marker="job-bar", retries=100)
    ui_user.find(marker="job-cancel").click()
    await ui_user.should_see(marker="job-message", content="This run was cancelled", retries=100)
    runs = next(iter(ui_user.find(marker="runs").elements))
    assert len([b for b in runs.descendants() if isinstance(b, ui.button)]) == 2  # both runs


async def test_pattern_files_need_a_login_and_the_projects_job(
    ui_user: User, people: dict[str, Person]
) -> None:
    url = "/project/some-project/patterns/0123abcd/pieces.dxf"
    assert (await ui_user.http_client.get(url)).status_code == 401
    await login(ui_user, people["staff"])
    assert (await ui_user.http_client.get(url)).status_code == 404  # not this project's job
    bad = "/project/some-project/patterns/0123abcd/secrets.txt"
    assert (await ui_user.http_client.get(bad)).status_code == 404
    await ui_user.open("/project/nobody-here/patterns")
    await ui_user.should_see("There is no project nobody-here.")


def _token(patterns: Patterns) -> str:
    return patterns.runtime.signer.issue("test:tablet-2", "staff", name="other tablet")


def _yards(text: str) -> float:
    whole, _, rest = text.removesuffix(" yd").partition(" ")
    if "/" in whole:
        whole, rest = "0", whole
    num, _, den = rest.partition("/")
    return int(whole) + (int(num) / int(den) if den else 0)


def _tap_model(user: User, panel_id: str, point: tuple[float, float, float]) -> None:
    """A tap on the 3D view that hits `panel_id` at `point` (what three.js would report)."""
    x, y, z = point
    user.find(marker="panel-scene").trigger("click3d", {
        "click_type": "click", "button": 0, "alt_key": False, "ctrl_key": False,
        "meta_key": False, "shift_key": False,
        "hits": [{"object_id": "m", "object_name": panel_id, "point": {"x": x, "y": y, "z": z}}],
    })


async def _panels(patterns: Patterns, job_id: str) -> list[patterns_pb2.Panel]:
    async with open_channel(patterns.runtime.target, _token(patterns)) as channel:
        stub = patterns_pb2_grpc.PatternsServiceStub(channel)
        return list((await stub.GetPanels(patterns_pb2.GetPanelsRequest(job_id=job_id))).panels)
