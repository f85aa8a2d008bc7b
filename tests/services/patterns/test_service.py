"""The patterns service over real gRPC on loopback: upload a mesh, run the job, read and
edit the panels, lay them out on plain and patterned fabric, export, and the refusals."""

from __future__ import annotations

import asyncio
import hashlib
import io
import math
from typing import Any

import ezdxf
import grpc
import pytest

from services.patterns import sample_meshes
from services.patterns.app import Patterns
from services.patterns.mesh import TriMesh, ply_bytes
from services.patterns.mesh_glb import read_glb
from services.patterns.units import INCH
from services.runtime.client import open_channel
from services.runtime.status import field_violations
from stitchsketch.v1 import common_pb2, patterns_pb2, patterns_pb2_grpc

pb = patterns_pb2
CUSHION = sample_meshes.box_cushion(0.3, 0.25, 0.1)  # boxing (1.1 m) fits a 54 in roll
PROJECT = "proj-1"


@pytest.fixture
async def patterns_server(patterns_factory) -> Patterns:
    return await patterns_factory()


@pytest.fixture
async def stub(patterns_server: Patterns, staff_token: str):
    async with open_channel(patterns_server.runtime.target, staff_token) as channel:
        yield patterns_pb2_grpc.PatternsServiceStub(channel)


async def upload(stub, data: bytes, filename: str = "cushion.ply", project: str = PROJECT,
                 chunk: int = 64 * 1024, announce: bool = True) -> pb.UploadMeshResponse:
    def messages():
        yield pb.UploadMeshRequest(metadata=pb.MeshMetadata(
            project_id=project, filename=filename, size_bytes=len(data) if announce else 0,
            sha256=hashlib.sha256(data).hexdigest() if announce else ""))
        for off in range(0, len(data), chunk):
            yield pb.UploadMeshRequest(chunk=common_pb2.Chunk(offset=off,
                                                              data=data[off:off + chunk]))

    return await stub.UploadMesh(messages())


async def run_to_end(stub, job_id: str, timeout: float = 60) -> tuple[common_pb2.Job, set[str]]:
    """Watch a job until it ends; the job as it ended and the stages seen."""
    stages: set[str] = set()
    async with asyncio.timeout(timeout):
        async for event in stub.WatchJob(common_pb2.WatchJobRequest(job_id=job_id)):
            stages.add(event.job.stage)
            if event.job.state in (common_pb2.JOB_STATE_SUCCEEDED, common_pb2.JOB_STATE_FAILED,
                                   common_pb2.JOB_STATE_CANCELLED):
                return event.job, stages
    raise AssertionError("the watch ended before the job did")


async def download(call) -> tuple[common_pb2.ArtifactInfo, bytes]:
    parts = [p async for p in call]
    info = parts[0].info
    data = b"".join(p.chunk.data for p in parts[1:])
    assert [p.chunk.offset for p in parts[1:]] == sorted(p.chunk.offset for p in parts[1:])
    assert len(data) == info.size_bytes and hashlib.sha256(data).hexdigest() == info.sha256
    return info, data


async def finished_job(stub, mesh: TriMesh = CUSHION, **submit: Any) -> str:
    up = await upload(stub, ply_bytes(mesh))
    resp = await stub.SubmitPatterns(pb.SubmitPatternsRequest(project_id=PROJECT,
                                                              mesh_id=up.mesh_id, **submit))
    job, _ = await run_to_end(stub, resp.job.id)
    assert job.state == common_pb2.JOB_STATE_SUCCEEDED, job.error
    return resp.job.id


def motif_x(piece: pb.FlatPiece, pl: pb.Placement) -> float:
    """Where the centre of a piece's sewing box lands along the roll."""
    xs = [p.x for p in piece.sewing_line]
    ys = [p.y for p in piece.sewing_line]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    a = math.radians(pl.rotation_deg)
    return math.cos(a) * cx - math.sin(a) * cy + pl.x_m


def by_name(panels: pb.GetPanelsResponse) -> dict[str, pb.Panel]:
    return {p.name: p for p in panels.panels}


@pytest.mark.slow
async def test_mesh_to_panels_edits_layouts_and_exports(stub):
    data = ply_bytes(CUSHION)
    up = await upload(stub, data)
    assert up.triangles == len(CUSHION.faces) and not up.duplicate
    assert (up.dimensions.width_m, up.dimensions.depth_m, up.dimensions.height_m) == \
        pytest.approx((0.3, 0.25, 0.1))
    again = await upload(stub, data, chunk=1 << 20)
    assert again.duplicate and again.mesh_id == up.mesh_id

    submitted = await stub.SubmitPatterns(pb.SubmitPatternsRequest(
        project_id=PROJECT, mesh_id=up.mesh_id, project_name="Ottoman"))
    assert submitted.job.state == common_pb2.JOB_STATE_QUEUED
    job, stages = await run_to_end(stub, submitted.job.id)
    assert job.state == common_pb2.JOB_STATE_SUCCEEDED, job.error
    assert {"segment", "flatten", "cut"} <= stages and job.progress == pytest.approx(1.0)
    job_id = job.id

    panels = await stub.GetPanels(pb.GetPanelsRequest(job_id=job_id))
    named = by_name(panels)
    assert set(named) == {"seat_cushion_top", "seat_cushion_bottom", "seat_cushion_boxing"}
    assert panels.revision == 1
    top, boxing = named["seat_cushion_top"], named["seat_cushion_boxing"]
    assert top.area_m2 == pytest.approx(0.075, rel=1e-3)
    assert boxing.area_m2 == pytest.approx(1.1 * 0.1, rel=1e-3)
    assert not any(p.flagged for p in panels.panels)
    seam = 0.5 * INCH
    assert top.piece.width_m == pytest.approx(0.3 + 2 * seam, abs=1e-3)
    assert top.piece.height_m == pytest.approx(0.25 + 2 * seam, abs=1e-3)
    assert "Ottoman" in top.piece.label_lines and top.face_count > 0
    assert {e.neighbour_panel_id for e in top.piece.edges} == {boxing.id}
    assert boxing.piece.notches  # where the boxing meets top and bottom

    # Rename, then split the top in two and merge it back: only the top is re-flattened.
    renamed = await stub.EditPanels(pb.EditPanelsRequest(
        job_id=job_id, rename=pb.RenamePanel(panel_id=boxing.id, name="ottoman_side")))
    assert by_name(renamed)["ottoman_side"].id == boxing.id and renamed.revision == 2
    line = [common_pb2.Vec3(x=0.0, y=-0.2, z=0.1), common_pb2.Vec3(x=0.0, y=0.2, z=0.1)]
    split = await stub.EditPanels(pb.EditPanelsRequest(
        job_id=job_id, split=pb.SplitPanel(panel_id=top.id, line=line), expected_revision=2))
    assert len(split.panels) == 4
    halves = [p for p in split.panels if p.name == "seat_cushion_top"]
    assert sum(h.area_m2 for h in halves) == pytest.approx(0.075, rel=1e-3)
    with pytest.raises(grpc.aio.AioRpcError) as stale:  # another tablet's view is stale
        await stub.EditPanels(pb.EditPanelsRequest(
            job_id=job_id, count=pb.SetPanelCount(panel_id=top.id, count=2),
            expected_revision=2))
    assert stale.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    merged = await stub.EditPanels(pb.EditPanelsRequest(
        job_id=job_id, merge=pb.MergePanels(panel_id=halves[0].id, other_panel_id=halves[1].id)))
    assert len(merged.panels) == 3 and merged.revision == 4
    top = next(p for p in merged.panels if p.name == "seat_cushion_top")
    assert top.area_m2 == pytest.approx(0.075, rel=1e-3)
    assert top.flat_area_m2 == pytest.approx(0.075, rel=1e-2)
    counted = await stub.EditPanels(pb.EditPanelsRequest(
        job_id=job_id, count=pb.SetPanelCount(panel_id=top.id, count=3)))
    assert by_name(counted)["seat_cushion_top"].count == 3

    # A 27 in repeat puts every top on the repeat: the roll grows as the rules predict.
    plain = await stub.LayoutPieces(pb.LayoutPiecesRequest(
        job_id=job_id, fabric=pb.FabricSpec(price_per_yard=40), labour=100))
    repeat = 27 * INCH
    patterned_spec = pb.FabricSpec(repeat_vertical_m=repeat, price_per_yard=40)
    patterned = await stub.LayoutPieces(pb.LayoutPiecesRequest(
        job_id=job_id, fabric=patterned_spec, labour=100))
    assert plain.width_m == pytest.approx(54 * INCH)
    assert len(plain.placements) == len(patterned.placements) == 3 + 1 + 1
    assert patterned.yards > plain.yards
    # every piece's motif centre (its sewing box's centre) sits on the same phase
    pieces = {p.id: p.piece for p in counted.panels}
    phases = {round(motif_x(pieces[pl.panel_id], pl) / repeat % 1.0, 4) % 1.0
              for pl in patterned.placements}
    assert len(phases) == 1, phases
    assert patterned.total == pytest.approx(patterned.yards * 40 + 100)
    assert 0 < plain.baseline_utilization < 1 and plain.baseline_yards > 0
    assert plain.currency == "$" and patterned.revision == counted.revision

    # Exports: DXF read back, and the marker reuses the layout just made.
    info, dxf = await download(stub.ExportPatterns(pb.ExportPatternsRequest(
        job_id=job_id, format=pb.PATTERN_FORMAT_DXF)))
    assert info.name.endswith(".dxf")
    doc = ezdxf.read(io.StringIO(dxf.decode()))
    assert {"CUT", "SEAM", "NOTCH", "GRAIN", "LABEL"} <= {layer.dxf.name for layer in doc.layers}
    cuts = doc.modelspace().query('LWPOLYLINE[layer=="CUT"]')
    assert len(cuts) == 3 and all(p.closed for p in cuts)
    assert doc.header["$INSUNITS"] == 4
    _, marker = await download(stub.ExportPatterns(pb.ExportPatternsRequest(
        job_id=job_id, format=pb.PATTERN_FORMAT_PDF_MARKER, fabric=patterned_spec)))
    assert marker.startswith(b"%PDF")
    _, glb = await download(stub.ExportPatterns(pb.ExportPatternsRequest(
        job_id=job_id, format=pb.PATTERN_FORMAT_GLB_PANELS)))
    assert len(read_glb(glb).faces) == len(CUSHION.faces)


async def test_every_export_format_streams(stub):
    job_id = await finished_job(stub, project_name="Club chair")
    fabric = pb.FabricSpec(price_per_yard=25, currency="€")
    starts = {
        pb.PATTERN_FORMAT_SVG: b"<?xml", pb.PATTERN_FORMAT_DXF: b"  0\n",
        pb.PATTERN_FORMAT_PDF_TILED: b"%PDF", pb.PATTERN_FORMAT_PDF_MARKER: b"%PDF",
        pb.PATTERN_FORMAT_PDF_QUOTE: b"%PDF", pb.PATTERN_FORMAT_GLB_PANELS: b"glTF",
        pb.PATTERN_FORMAT_PLY_PANELS: b"ply", pb.PATTERN_FORMAT_JSON: b"{",
    }
    for fmt, magic in starts.items():
        info, data = await download(stub.ExportPatterns(pb.ExportPatternsRequest(
            job_id=job_id, format=fmt, fabric=fabric, unit=common_pb2.LENGTH_UNIT_METRIC)))
        assert data.startswith(magic), (info.name, data[:20])
        assert info.name.startswith("Club-chair")
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await download(stub.ExportPatterns(pb.ExportPatternsRequest(job_id=job_id)))
    assert "format" in field_violations(err.value)
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await download(stub.ExportPatterns(pb.ExportPatternsRequest(
            job_id=job_id, format=pb.PATTERN_FORMAT_PDF_QUOTE)))
    assert "fabric" in field_violations(err.value)


async def test_the_work_survives_a_restart(patterns_factory, staff_token):
    first = await patterns_factory()
    async with open_channel(first.runtime.target, staff_token) as channel:
        stub = patterns_pb2_grpc.PatternsServiceStub(channel)
        job_id = await finished_job(stub)
        panels = await stub.GetPanels(pb.GetPanelsRequest(job_id=job_id))
        await stub.EditPanels(pb.EditPanelsRequest(
            job_id=job_id, exclude=pb.ExcludePanel(panel_id=panels.panels[0].id, excluded=True)))
    await first.runtime.stop(grace=0.1)
    second = await patterns_factory()
    async with open_channel(second.runtime.target, staff_token) as channel:
        stub = patterns_pb2_grpc.PatternsServiceStub(channel)
        again = await stub.GetPanels(pb.GetPanelsRequest(job_id=job_id, with_face_panels=True))
        assert again.revision == 2 and again.panels[0].excluded
        assert not again.panels[0].HasField("piece")
        assert len(again.face_panel) == len(CUSHION.faces)


async def wait_running(stub, job_id: str) -> None:
    async with asyncio.timeout(30):
        async for event in stub.WatchJob(common_pb2.WatchJobRequest(job_id=job_id)):
            if event.job.state == common_pb2.JOB_STATE_RUNNING:
                return


@pytest.mark.slow
async def test_a_job_cut_short_by_a_restart_resumes(patterns_factory, staff_token):
    first = await patterns_factory()
    async with open_channel(first.runtime.target, staff_token) as channel:
        stub = patterns_pb2_grpc.PatternsServiceStub(channel)
        up = await upload(stub, ply_bytes(sample_meshes.rolled_arm_chair()), filename="c.ply")
        job = (await stub.SubmitPatterns(pb.SubmitPatternsRequest(
            project_id=PROJECT, mesh_id=up.mesh_id))).job
        await wait_running(stub, job.id)
    await first.runtime.stop(grace=0.1)  # the job process is stopped mid-run
    second = await patterns_factory()
    async with open_channel(second.runtime.target, staff_token) as channel:
        stub = patterns_pb2_grpc.PatternsServiceStub(channel)
        ended, _ = await run_to_end(stub, job.id)
        assert ended.state == common_pb2.JOB_STATE_SUCCEEDED, ended.error
        panels = await stub.GetPanels(pb.GetPanelsRequest(job_id=job.id))
        assert len(panels.panels) >= 12 and panels.revision == 1


async def test_cancel_stops_a_running_job_and_a_queued_one(stub):
    up = await upload(stub, ply_bytes(sample_meshes.sofa()), filename="sofa.ply")
    request = pb.SubmitPatternsRequest(project_id=PROJECT, mesh_id=up.mesh_id)
    running = (await stub.SubmitPatterns(request)).job
    queued = (await stub.SubmitPatterns(request)).job
    cancelled = await stub.CancelJob(common_pb2.CancelJobRequest(job_id=queued.id))
    assert cancelled.job.state == common_pb2.JOB_STATE_CANCELLED
    await wait_running(stub, running.id)
    started = asyncio.get_running_loop().time()
    cancelled = await stub.CancelJob(common_pb2.CancelJobRequest(job_id=running.id))
    assert cancelled.job.state == common_pb2.JOB_STATE_CANCELLED
    assert asyncio.get_running_loop().time() - started < 3.0
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.GetPanels(pb.GetPanelsRequest(job_id=running.id))
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION


@pytest.mark.parametrize(("filename", "data", "field"), [
    ("notes.txt", b"these are not the triangles you are looking for", "metadata.filename"),
    ("photo.ply", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01",
     "metadata.filename"),
    ("broken.ply", b"ply\nformat ascii 1.0\nelement vertex 3\nend_header\n1 2", "chunk"),
    ("empty.obj", b"# an OBJ comment and nothing else\n", "chunk"),
])
async def test_a_file_that_is_no_mesh_is_refused_naming_the_field(stub, filename, data, field):
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await upload(stub, data, filename=filename)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field in field_violations(err.value)


async def test_a_large_refused_upload_gets_its_status(patterns_factory, staff_token):
    server = await patterns_factory(max_mesh_bytes=200_000)
    async with open_channel(server.runtime.target, staff_token) as channel:
        stub = patterns_pb2_grpc.PatternsServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as err:  # refused at its first chunk
            await upload(stub, b"\xff\xd8\xff\xe0" * 40_000, filename="a.ply", chunk=8192)
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        for announce in (True, False):  # refused from the metadata, or once too much came
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await upload(stub, b"ply\n" + b" " * 1_000_000, filename="b.ply",
                             announce=announce)
            assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
            assert "0.2 MiB" in err.value.details()
        assert not list((server.jobs.meshes.root / ".incoming").iterdir())


async def test_unknown_things_are_not_found(stub):
    for call in (stub.GetPanels(pb.GetPanelsRequest(job_id="nope")),
                 stub.GetJob(common_pb2.GetJobRequest(job_id="nope")),
                 stub.SubmitPatterns(pb.SubmitPatternsRequest(project_id=PROJECT,
                                                              mesh_id="0123456789abcdef"))):
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await call
        assert err.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.SubmitPatterns(pb.SubmitPatternsRequest(project_id=PROJECT))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "source" in field_violations(err.value)


async def test_a_viewer_may_look_but_not_submit(patterns_server, viewer_token):
    async with open_channel(patterns_server.runtime.target, viewer_token) as channel:
        stub = patterns_pb2_grpc.PatternsServiceStub(channel)
        await stub.ListJobs(common_pb2.ListJobsRequest())
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await stub.SubmitPatterns(pb.SubmitPatternsRequest(project_id=PROJECT,
                                                               mesh_id="0123456789abcdef"))
        assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await upload(stub, ply_bytes(CUSHION))
        assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_a_model_from_an_absent_reconstruction_service_fails_the_job_clearly(stub):
    submitted = await stub.SubmitPatterns(pb.SubmitPatternsRequest(
        project_id=PROJECT, reconstruction_job_id="r123"))
    job, _ = await run_to_end(stub, submitted.job.id)
    assert job.state == common_pb2.JOB_STATE_FAILED
    assert "no reconstruction service found" in job.error
