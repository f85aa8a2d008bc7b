"""The reconstruction service's work, without the transport: submit and re-run jobs, read
finished models and their files, apply a known length — what the servicer adapts to
gRPC (and a test can drive directly).

Jobs run one at a time in their own process (services.runtime.jobs). The calls here
that touch a finished model's files run in a thread, one at a time, so the event loop
keeps answering watches while, say, a known length re-exports a model.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.errors import FailedPrecondition
from services.reconstruction import calibration_mat, capture_client, fetch_photos, model
from services.reconstruction.capture_client import CaptureAccess
from services.reconstruction.dense_depth import NAME as DENSE_STAGE
from services.reconstruction.options import CropBox, ReconstructionOptions
from services.reconstruction.run_job import KIND, STAGES, WEIGHTS, dense_backend, run_dir
from services.reconstruction.settings import ReconstructionSettings
from services.reconstruction.stage import read_marker
from services.runtime.jobs import BOX_LOCK, JobKind, JobManager, JobRecord, JobState
from stitchsketch.v1 import capture_pb2_grpc

log = logging.getLogger(__name__)

#: The job's work function, run in a spawned process (see services.runtime.jobs).
WORK_FUNCTION = "services.reconstruction.run_job:run"


@dataclass(frozen=True)
class ModelInfo:
    """A finished model's summary (model.json) and what the service adds to it."""

    job_id: str
    summary: dict[str, Any]
    unregistered_photo_ids: list[str]
    dense_method: str


class ReconstructionJobs:
    """Jobs and finished models of one reconstruction service."""

    def __init__(self, settings: ReconstructionSettings):
        self.settings = settings
        self.jobs = JobManager(
            settings.service_dir / "jobs",
            {KIND: JobKind(WORK_FUNCTION, STAGES, WEIGHTS)},
            box_lock=settings.data_dir / BOX_LOCK,
        )
        self._discovery: Any = None
        self._cpu = asyncio.Semaphore(1)
        self._mats: dict[str, bytes] = {}

    async def start(self) -> None:
        if self.settings.discover_mdns:
            from appliance.endpoints import parse_static
            from appliance.mdns import Discovery

            self._discovery = Discovery(parse_static(self.settings.static_services))
            await self._discovery.start()
        await self.jobs.start()
        line = await asyncio.to_thread(dense_backend, ReconstructionOptions())
        log.info("%s", line)

    async def stop(self) -> None:
        await self.jobs.stop()
        if self._discovery is not None:
            await self._discovery.close()
            self._discovery = None

    def access(self) -> CaptureAccess:
        s = self.settings
        return CaptureAccess(
            str(s.data_dir), s.static_services, s.discover_mdns, s.capture_timeout_s
        )

    # -- jobs ----------------------------------------------------------------------------

    async def submit(
        self, project_id: str, photo_ids: list[str], options: ReconstructionOptions
    ) -> JobRecord:
        """Queue a reconstruction, after asking capture whether the photos are there (so a
        project without enough photos is refused now, not minutes later)."""
        project_id = capture_client.check_project_id(project_id)
        photo_ids = capture_client.check_photo_ids(photo_ids)
        access = self.access()
        target = await capture_client.resolve_target(access, self._discovery)
        async with capture_client.channel(target, access) as channel:
            stub = capture_pb2_grpc.CaptureServiceStub(channel)
            listed = await capture_client.list_photos(stub, project_id, access.timeout_s)
        chosen = capture_client.select_photos(
            project_id, listed, photo_ids, self.settings.max_photos
        )
        params = {
            "project_id": project_id,
            "photo_ids": photo_ids,
            "options": options.to_json(),
            "capture": access.to_params(),
            "max_photos": self.settings.max_photos,
        }
        job = self.jobs.submit(KIND, project_id, params)
        log.info(
            "reconstruction job %s for %s: %d photos, %s quality",
            job.id,
            project_id,
            len(chosen),
            options.quality.value,
        )
        return job

    async def set_crop_box(self, job_id: str, box: CropBox) -> JobRecord:
        """A new job re-running a finished one from `isolate` with `box` (model coordinates
        as GetModel reports them). New rather than re-queued: the finished model, and any
        patterns already made from it, stay as they were."""
        source = self.jobs.get(job_id)
        self._finished_run(source)
        params = {
            "project_id": source.project_id,
            "derived_from": {"job_id": source.id, "job_dir": str(self.jobs.job_dir(source.id))},
            "crop_box": {"min": list(box.min), "max": list(box.max)},
        }
        job = self.jobs.submit(KIND, source.project_id, params)
        log.info("reconstruction job %s: job %s again with a crop box", job.id, job_id)
        return job

    # -- finished models -----------------------------------------------------------------

    def _finished_run(self, job: JobRecord) -> Path:
        if job.state != JobState.SUCCEEDED:
            why = {
                JobState.FAILED: f"it failed: {job.error}",
                JobState.CANCELLED: "it was cancelled",
            }.get(job.state, f"it is still {job.state.value}")
            raise FailedPrecondition(f"job {job.id} has no model: {why}")
        return run_dir(self.jobs.job_dir(job.id))

    async def model(self, job_id: str) -> ModelInfo:
        rdir = self._finished_run(self.jobs.get(job_id))
        return await asyncio.to_thread(self._model_info, job_id, rdir)

    def _model_info(self, job_id: str, rdir: Path) -> ModelInfo:
        summary = model.load_summary(rdir)
        ids = fetch_photos.photo_ids_by_file(rdir.parent)
        dense = read_marker(rdir, DENSE_STAGE) or {}
        return ModelInfo(
            job_id,
            summary,
            [ids.get(name, "") for name in summary["unregistered_filenames"]],
            str(dense.get("method", "")),
        )

    async def model_file(self, job_id: str, name: str) -> tuple[Path, str]:
        """Path and content type of one of a finished model's files."""
        rdir = self._finished_run(self.jobs.get(job_id))
        path = await asyncio.to_thread(model.model_file, rdir, name)
        return path, model.CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")

    async def set_known_length(
        self,
        job_id: str,
        a: tuple[float, float, float],
        b: tuple[float, float, float],
        length_m: float,
    ) -> ModelInfo:
        """Scale a finished model so that |a b| = length_m (re-exports its files)."""
        rdir = self._finished_run(self.jobs.get(job_id))
        async with self._cpu:
            await asyncio.to_thread(model.apply_known_length, rdir, a, b, length_m)
        log.info("job %s: known length %.4f m applied", job_id, length_m)
        return await asyncio.to_thread(self._model_info, job_id, rdir)

    async def calibration_mat(self, paper: str) -> bytes:
        """The printable mat as PDF (made once per paper size)."""
        if paper not in self._mats:
            async with self._cpu:
                self._mats[paper] = await asyncio.to_thread(calibration_mat.render_pdf, paper)
        return self._mats[paper]
