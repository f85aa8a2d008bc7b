"""The reconstruction service over real gRPC on loopback, photos from a real capture server.

End to end (slow): a rendered ottoman shoot with exact ground truth is uploaded to
capture; the reconstruction service runs as its own process (`python -m
services.reconstruction`), is SIGKILLed in the middle of dense matching and started
again: the job finishes without redoing sparse work, and the model matches the truth.
Then a crop box re-runs it as a new job from `isolate`, and a known length rescales it.
A cancel during feature extraction ends the job within two seconds, children and all.
Fast: the refusals (bad input, unknown ids, scopes) and the calibration mat.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import grpc
import numpy as np
import psutil
import pytest

from services.capture.app import Capture
from services.reconstruction.app import Reconstruction, assemble
from services.reconstruction.fetch_photos import load_selection
from services.reconstruction.glb import decode_positions
from services.reconstruction.settings import ReconstructionSettings
from services.runtime.client import open_channel
from services.runtime.settings import load_settings
from services.runtime.status import field_violations
from stitchsketch.v1 import common_pb2, reconstruction_pb2, reconstruction_pb2_grpc
from tests.services.capture import helpers
from tests.services.capture.helpers import Client

pb = reconstruction_pb2
REPO = Path(__file__).resolve().parents[3]
PROJECT = "ottoman-1"
#: The smallest shoot that registers every photo and keeps the sides of the piece in the
#: CPU depth maps (12 photos lose them); about 35 s to a mesh on 2 cores.
PHOTOS, SIZE = 16, (800, 600)
SPARSE = ("prepare_images", "extract_features", "match_features", "map_sparse",
          "scale_orient", "isolate")
ENDED = (common_pb2.JOB_STATE_SUCCEEDED, common_pb2.JOB_STATE_FAILED,
         common_pb2.JOB_STATE_CANCELLED)


# -- fixtures and helpers -------------------------------------------------------------------

@pytest.fixture(scope="module")
def shoot(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from scripts.sample_data.render_shoot import render_shoot

    return render_shoot(tmp_path_factory.mktemp("shoot"), photos=PHOTOS, size=SIZE, seed=3,
                        scene="ottoman")


@pytest.fixture
async def recon_factory(data_dir: Path, capture_server: Capture) -> AsyncIterator[Any]:
    """Starts reconstruction servers in this process, finding capture by static address."""
    started: list[Reconstruction] = []

    async def start(**overrides: Any) -> Reconstruction:
        settings = {"data_dir": data_dir, "host": "127.0.0.1", "port": 0, "advertise": False,
                    "grace_s": 0.5, "discover_mdns": False,
                    "static_services": f"capture={capture_server.runtime.target}"}
        settings.update(overrides)
        server = assemble(load_settings(ReconstructionSettings, **settings))
        await server.runtime.start()
        started.append(server)
        return server

    yield start
    for server in reversed(started):
        await server.runtime.stop(grace=0.2)


@pytest.fixture
async def stub(recon_factory: Any, staff_token: str) -> AsyncIterator[Any]:
    server = await recon_factory()
    async with open_channel(server.runtime.target, staff_token) as channel:
        yield reconstruction_pb2_grpc.ReconstructionServiceStub(channel)


async def upload_shoot(capture_server: Capture, token: str, images: list[Path]) -> list[str]:
    async with Client(capture_server.runtime.target, token) as client:
        ids = []
        for path in images:
            reply = await client.upload(path.read_bytes(), project_id=PROJECT,
                                        filename=path.name, camera_id="test-rig")
            ids.append(reply.photo.id)
        return ids


def mat_layout(shoot: Any) -> pb.MatLayout:
    """The rendered mat (not the printed StitchSketch one), as the proto carries it."""
    m = json.loads(Path(shoot.ground_truth_json).read_text())["markers"]
    markers = [pb.MatMarker(id=k["id"], corners=[common_pb2.Vec3(x=x, y=y, z=z)
                                                 for x, y, z in k["corners"]])
               for k in m["markers"]]
    return pb.MatLayout(dictionary=m["dictionary"], marker_length_m=m["marker_length_m"],
                        sheets=[pb.MatSheet(name="mat", markers=markers)])


def submit_request(shoot: Any) -> pb.SubmitReconstructionRequest:
    return pb.SubmitReconstructionRequest(project_id=PROJECT, options=pb.ReconstructionOptions(
        quality=pb.RECONSTRUCTION_QUALITY_PREVIEW, max_image_size=SIZE[0],
        mat_layout=mat_layout(shoot)))


async def watch(stub: Any, job_id: str, until: Any = None, timeout: float = 240
                ) -> tuple[common_pb2.Job, list[common_pb2.Job]]:
    """Follow a job until it ends (or `until(job)` holds); the last job and every event."""
    seen: list[common_pb2.Job] = []
    async with asyncio.timeout(timeout):
        async for event in stub.WatchJob(common_pb2.WatchJobRequest(job_id=job_id)):
            seen.append(event.job)
            if event.job.state in ENDED or (until and until(event.job)):
                return event.job, seen
    raise AssertionError("the watch ended before the job did")


async def download(call: Any) -> tuple[common_pb2.ArtifactInfo, bytes]:
    parts = [p async for p in call]
    info = parts[0].info
    offsets = [p.chunk.offset for p in parts[1:]]
    data = b"".join(p.chunk.data for p in parts[1:])
    assert offsets == sorted(offsets) and offsets[0] == 0
    assert len(data) == info.size_bytes and hashlib.sha256(data).hexdigest() == info.sha256
    return info, data


def assert_monotonic(jobs: list[common_pb2.Job]) -> None:
    """Progress never goes back, stages come in order."""
    running = [j for j in jobs if j.state == common_pb2.JOB_STATE_RUNNING and j.stage]
    progress = [j.progress for j in running]
    assert progress == sorted(progress), progress
    indices = [j.stage_index for j in running]
    assert indices == sorted(indices), indices


class ServiceProcess:
    """`python -m services.reconstruction` as systemd would run it, in its own process
    group (a SIGKILL of the group is what a crash plus systemd's clean-up amounts to)."""

    def __init__(self, data_dir: Path, capture_target: str, log_path: Path):
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("STITCHSKETCH_")}
        self.env.update({
            "STITCHSKETCH_DATA_DIR": str(data_dir), "STITCHSKETCH_HOST": "127.0.0.1",
            "STITCHSKETCH_PORT": "0", "STITCHSKETCH_ADVERTISE": "false",
            "STITCHSKETCH_DISCOVER_MDNS": "false", "STITCHSKETCH_GRACE_S": "0.5",
            "STITCHSKETCH_STATIC_SERVICES": f"capture={capture_target}",
            "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "protos")]),
            "PYTHONUNBUFFERED": "1"})
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    async def start(self) -> str:
        """Start and wait until it serves; returns its loopback target."""
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "services.reconstruction"],
                                         cwd=REPO, env=self.env, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            text = self.log_path.read_bytes()[offset:].decode(errors="replace")
            found = re.search(r"reconstruction serving on (\d+)", text)
            if found:
                return f"127.0.0.1:{found.group(1)}"
            assert self.proc.poll() is None, text[-3000:]
            await asyncio.sleep(0.1)
        raise AssertionError("the reconstruction service did not start")

    def kill(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> int:
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.kill()
            return -9


def native_children() -> list[list[str]]:
    """Command lines of this process's descendants running a stage's native child."""
    found = []
    for p in psutil.Process().children(recursive=True):
        try:
            if p.status() != psutil.STATUS_ZOMBIE:
                found.append(p.cmdline())
        except psutil.NoSuchProcess:
            continue
    return [c for c in found if any("services.reconstruction.isolated" in a for a in c)]


def markers(run: Path, stages: tuple[str, ...]) -> dict[str, tuple[int, str]]:
    return {s: ((run / ".stages" / f"{s}.json").stat().st_mtime_ns,
                (run / ".stages" / f"{s}.json").read_text()) for s in stages}


# -- end to end -------------------------------------------------------------------------------

@pytest.mark.slow
async def test_killed_in_dense_resumes_without_redoing_sparse_and_measures_true(
        shoot: Any, data_dir: Path, capture_server: Capture, staff_token: str,
        tmp_path: Path) -> None:
    import open3d as o3d

    ids = await upload_shoot(capture_server, staff_token, shoot.images)
    async with Client(capture_server.runtime.target, staff_token) as client:  # a reject
        black = helpers.jpeg(800, 600, pixels=np.zeros((600, 800, 3), np.uint8))
        await client.upload(black, project_id=PROJECT, filename="lens_cap.jpg")
    service = ServiceProcess(data_dir, capture_server.runtime.target, tmp_path / "svc.log")
    try:
        target = await service.start()
        async with open_channel(target, staff_token) as channel:
            stub = reconstruction_pb2_grpc.ReconstructionServiceStub(channel)
            submitted = await stub.SubmitReconstruction(submit_request(shoot))
            job_id = submitted.job.id
            assert submitted.job.state == common_pb2.JOB_STATE_QUEUED

            def in_dense(job: common_pb2.Job) -> bool:
                return job.stage == "dense_depth" and job.message.startswith("depth maps")

            job, before = await watch(stub, job_id, until=in_dense)
            service.kill()
        assert in_dense(job), job  # killed while dense matching had made a depth map or so
        assert_monotonic(before)
        stages_before = [j.stage for j in before if j.stage]
        assert stages_before[0] == "fetch_photos"
        assert set(SPARSE) <= set(stages_before)
        assert 0 < job.progress < 1 and job.eta_seconds > 0

        job_dir = data_dir / "reconstruction" / "jobs" / job_id
        run = job_dir / "run"
        sparse_markers = markers(run, SPARSE)
        assert not (run / ".stages" / "dense_depth.json").exists()
        depth_maps = {p.name: p.stat().st_mtime_ns for p in (run / "dense" / "raw").glob("*.npz")}

        target = await service.start()  # the restart: the job resumes by itself
        async with open_channel(target, staff_token) as channel:
            stub = reconstruction_pb2_grpc.ReconstructionServiceStub(channel)
            job, after = await watch(stub, job_id)
            assert job.state == common_pb2.JOB_STATE_SUCCEEDED, job.error
            assert job.progress == pytest.approx(1.0)
            assert_monotonic(after)
            # nothing before dense ran again: same markers, same depth maps, stages skipped
            assert markers(run, SPARSE) == sparse_markers
            assert {s for j in after for s in [j.stage] if s} <= {
                "fetch_photos", "dense_depth", "fuse", "mesh", "texture", "export"}
            dense = json.loads((run / ".stages" / "dense_depth.json").read_text())
            assert dense["resumed"] == len(depth_maps) >= 1 and dense["views"] == PHOTOS
            for name, mtime in depth_maps.items():
                assert (run / "dense" / "raw" / name).stat().st_mtime_ns == mtime
            log = (job_dir / "log.txt").read_text()
            assert "resuming after isolate" in log
            assert f"using {PHOTOS} of {PHOTOS + 1} photos" in log  # the reject left out
            assert [s.id for s in load_selection(job_dir)] == ids
            assert "dense matching: CPU plane sweep" in log

            # the model, against the ground truth
            got = await stub.GetModel(pb.GetModelRequest(job_id=job_id))
            assert got.registered == got.images == PHOTOS
            assert list(got.unregistered_filenames) == list(got.unregistered_photo_ids) == []
            assert got.scaled and got.scale_source == "markers"
            assert got.scale_residual < 0.01
            assert got.mean_reprojection_error_px < 1.0
            assert got.dense_method == "planesweep_cpu"
            w, d, h = shoot.dimensions_m
            dims = got.dimensions
            # Height within 1 %; width and depth run 1-2.5 % long at this photo size (the
            # extremes of a noisy surface), as in the domain's own end-to-end test.
            assert dims.height_m == pytest.approx(h, rel=0.01)
            assert dims.width_m == pytest.approx(w, rel=0.03)
            assert dims.depth_m == pytest.approx(d, rel=0.03)
            assert set(got.files) == {"model.glb", "model.ply", "model.obj"}

            info, glb = await download(stub.DownloadModelFile(
                pb.DownloadModelFileRequest(job_id=job_id, name="model.glb")))
            assert glb[:4] == b"glTF" and info.content_type == "model/gltf-binary"
            assert decode_positions(glb).shape[0] > 1000
            assert info.name == "model.glb"
            _, ply = await download(stub.DownloadModelFile(
                pb.DownloadModelFileRequest(job_id=job_id, name="model.ply")))
            (tmp_path / "model.ply").write_bytes(ply)
            mesh = o3d.t.io.read_triangle_mesh(str(tmp_path / "model.ply"))
            truth = o3d.t.geometry.RaycastingScene()
            truth.add_triangles(o3d.t.io.read_triangle_mesh(str(shoot.mesh_ply)))
            legacy = mesh.to_legacy()
            pts = np.asarray(legacy.sample_points_uniformly(30_000).points, np.float32)
            dist = truth.compute_distance(o3d.core.Tensor(pts)).numpy()
            assert np.median(dist) < 0.003  # metres: the scale and the surface are right

            # the patterns service's client of this one gets the same bytes
            from services.patterns.fetch_model import fetch_model

            source = {"reconstruction_job_id": job_id, "data_dir": str(data_dir),
                      "static_services": f"reconstruction={target}", "discover_mdns": False,
                      "timeout_s": 30.0}
            await asyncio.to_thread(fetch_model, source, tmp_path / "fetched.ply",
                                    lambda fraction: None)
            assert (tmp_path / "fetched.ply").read_bytes() == ply

            # a crop box: a new job from isolate on, the first model left as it was
            lo = np.array(json.loads(Path(shoot.ground_truth_json).read_text())["bbox_min"])
            hi = np.array(json.loads(Path(shoot.ground_truth_json).read_text())["bbox_max"])
            cropped = await stub.SetCropBox(pb.SetCropBoxRequest(
                job_id=job_id, min=common_pb2.Vec3(x=lo[0] - 0.05, y=lo[1] - 0.05, z=0.012),
                max=common_pb2.Vec3(x=hi[0] + 0.05, y=hi[1] + 0.05, z=hi[2] + 0.05)))
            assert cropped.job.id != job_id
            job2, events2 = await watch(stub, cropped.job.id)
            assert job2.state == common_pb2.JOB_STATE_SUCCEEDED, job2.error
            ran = {j.stage for j in events2 if j.stage}
            assert not ran & {"prepare_images", "extract_features", "match_features",
                              "map_sparse", "scale_orient"}, ran
            assert "isolate" in ran
            got2 = await stub.GetModel(pb.GetModelRequest(job_id=cropped.job.id))
            assert got2.registered == PHOTOS
            assert got2.dimensions.height_m == pytest.approx(h, rel=0.01)
            region = json.loads((data_dir / "reconstruction" / "jobs" / cropped.job.id / "run"
                                 / "scene" / "region.json").read_text())
            assert region["source"] == "crop_box"
            again, _ = await download(stub.DownloadModelFile(
                pb.DownloadModelFileRequest(job_id=job_id, name="model.glb")))
            assert again.sha256 == info.sha256

            # a known length (as on an unscaled model): 0.5 model units are 1 m
            scaled = await stub.SetKnownLength(pb.SetKnownLengthRequest(
                job_id=cropped.job.id, a=common_pb2.Vec3(), b=common_pb2.Vec3(x=0.5),
                length_m=1.0))
            assert scaled.scale_source == "known_length" and scaled.scaled
            assert scaled.dimensions.height_m == pytest.approx(
                2 * got2.dimensions.height_m, rel=1e-3)
        assert service.stop() == 0
    finally:
        service.stop()


@pytest.mark.slow
async def test_cancel_ends_the_job_and_its_children_within_two_seconds(
        shoot: Any, capture_server: Capture, staff_token: str, stub: Any) -> None:
    await upload_shoot(capture_server, staff_token, shoot.images)
    submitted = await stub.SubmitReconstruction(submit_request(shoot))
    job, _ = await watch(stub, submitted.job.id,
                         until=lambda j: j.stage == "extract_features" and j.progress > 0)
    assert job.state == common_pb2.JOB_STATE_RUNNING
    async with asyncio.timeout(10):  # COLMAP's extractor runs in a process of its own
        while not native_children():
            await asyncio.sleep(0.05)
    started = time.monotonic()
    reply = await stub.CancelJob(common_pb2.CancelJobRequest(job_id=submitted.job.id))
    took = time.monotonic() - started
    assert reply.job.state == common_pb2.JOB_STATE_CANCELLED and took < 2.0, took
    await asyncio.sleep(0.2)
    assert not native_children()
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.GetModel(pb.GetModelRequest(job_id=submitted.job.id))
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "cancelled" in err.value.details()


# -- refusals ---------------------------------------------------------------------------------

async def test_a_project_without_enough_photos_is_refused_at_submit(
        stub: Any, capture_server: Capture, staff_token: str) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.SubmitReconstruction(pb.SubmitReconstructionRequest(project_id="nobody"))
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "project nobody has no photos" in err.value.details()
    async with Client(capture_server.runtime.target, staff_token) as client:
        for seed in (1, 2):
            await client.upload(helpers.jpeg(640, 480, seed=seed), project_id="two")
        await client.upload(helpers.jpeg(640, 480, pixels=np.zeros((480, 640, 3), np.uint8)),
                            project_id="two")
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.SubmitReconstruction(pb.SubmitReconstructionRequest(project_id="two"))
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "only 2 usable photos" in err.value.details()
    assert "1 rejected by the quality checks" in err.value.details()
    assert "at least 3" in err.value.details()
    jobs = await stub.ListJobs(common_pb2.ListJobsRequest())
    assert not jobs.jobs  # nothing was queued


@pytest.mark.parametrize(("request_fields", "code", "field"), [
    ({"project_id": "../etc"}, grpc.StatusCode.INVALID_ARGUMENT, "project_id"),
    ({"project_id": "p", "photo_ids": ["nope"]}, grpc.StatusCode.INVALID_ARGUMENT,
     "photo_ids"),
    ({"project_id": "p", "photo_ids": ["ab" * 32]}, grpc.StatusCode.NOT_FOUND, "photo_ids"),
    ({"project_id": "p", "options": pb.ReconstructionOptions(max_image_size=100)},
     grpc.StatusCode.INVALID_ARGUMENT, "options.max_image_size"),
    ({"project_id": "p", "options": pb.ReconstructionOptions(mat_layout=pb.MatLayout(
        marker_length_m=0.05, sheets=[pb.MatSheet(markers=[pb.MatMarker(id=1)])]))},
     grpc.StatusCode.INVALID_ARGUMENT, "options.mat_layout.sheets.markers.corners"),
    ({"project_id": "p", "options": pb.ReconstructionOptions(mat_layout=pb.MatLayout(
        dictionary="DICT_NOPE", marker_length_m=0.05))},
     grpc.StatusCode.INVALID_ARGUMENT, "options.mat_layout.dictionary"),
])
async def test_bad_submits_name_the_field(stub: Any, request_fields: dict[str, Any],
                                          code: grpc.StatusCode, field: str) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.SubmitReconstruction(pb.SubmitReconstructionRequest(**request_fields))
    assert err.value.code() == code, err.value.details()
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        assert field in field_violations(err.value), field_violations(err.value)


async def test_unknown_jobs_are_not_found(stub: Any) -> None:
    calls = [
        stub.GetJob(common_pb2.GetJobRequest(job_id="nope")),
        stub.CancelJob(common_pb2.CancelJobRequest(job_id="nope")),
        stub.GetModel(pb.GetModelRequest(job_id="nope")),
        stub.SetKnownLength(pb.SetKnownLengthRequest(job_id="nope", b=common_pb2.Vec3(x=1),
                                                     length_m=1)),
        stub.SetCropBox(pb.SetCropBoxRequest(job_id="nope", min=common_pb2.Vec3(),
                                             max=common_pb2.Vec3(x=1, y=1, z=1))),
    ]
    for call in calls:
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await call
        assert err.value.code() == grpc.StatusCode.NOT_FOUND, err.value.details()
    for streamed in (stub.WatchJob(common_pb2.WatchJobRequest(job_id="nope")),
                     stub.DownloadModelFile(pb.DownloadModelFileRequest(job_id="nope",
                                                                        name="model.glb"))):
        with pytest.raises(grpc.aio.AioRpcError) as err:
            [p async for p in streamed]
        assert err.value.code() == grpc.StatusCode.NOT_FOUND


async def test_scopes_viewers_read_staff_run(recon_factory: Any, viewer_token: str) -> None:
    server = await recon_factory()
    async with open_channel(server.runtime.target, viewer_token) as channel:
        viewer = reconstruction_pb2_grpc.ReconstructionServiceStub(channel)
        for call in (
            viewer.SubmitReconstruction(pb.SubmitReconstructionRequest(project_id="p")),
            viewer.CancelJob(common_pb2.CancelJobRequest(job_id="x")),
            viewer.SetCropBox(pb.SetCropBoxRequest(job_id="x")),
            viewer.SetKnownLength(pb.SetKnownLengthRequest(job_id="x")),
        ):
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await call
            assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
            assert "jobs:run" in err.value.details()
        assert not (await viewer.ListJobs(common_pb2.ListJobsRequest())).jobs
    async with open_channel(server.runtime.target) as channel:  # no token at all
        anonymous = reconstruction_pb2_grpc.ReconstructionServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await anonymous.ListJobs(common_pb2.ListJobsRequest())
        assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED


async def test_capture_out_of_reach_is_unavailable(recon_factory: Any, staff_token: str
                                                   ) -> None:
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        dead = f"127.0.0.1:{s.getsockname()[1]}"
    server = await recon_factory(static_services=f"capture={dead}", capture_timeout_s=2.0)
    async with open_channel(server.runtime.target, staff_token) as channel:
        stub = reconstruction_pb2_grpc.ReconstructionServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await stub.SubmitReconstruction(pb.SubmitReconstructionRequest(project_id="p"))
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE
    assert "capture service did not answer" in err.value.details()


async def test_calibration_mat_streams_for_a4_and_letter(recon_factory: Any,
                                                         viewer_token: str) -> None:
    server = await recon_factory()
    async with open_channel(server.runtime.target, viewer_token) as channel:
        stub = reconstruction_pb2_grpc.ReconstructionServiceStub(channel)
        a4_info, a4 = await download(stub.GetCalibrationMat(pb.GetCalibrationMatRequest()))
        letter_info, letter = await download(stub.GetCalibrationMat(
            pb.GetCalibrationMatRequest(paper=pb.PAPER_SIZE_LETTER)))
    assert a4.startswith(b"%PDF") and letter.startswith(b"%PDF")
    assert a4_info.name == "stitchsketch-calibration-mat-a4.pdf"
    assert letter_info.content_type == "application/pdf"
    assert b"MediaBox [ 0 0 595.2756 841.8898 ]" in a4  # 210 × 297 mm
    assert b"MediaBox [ 0 0 612 792 ]" in letter  # 8.5 × 11 in
