"""The UI's client of the reconstruction service: one channel per process, a token per call.

Like `ui.patterns_client`: each call carries the token of the person it is made for, and
failures come back as domain errors (services.errors) whose message is fit to show.
Downloads (model files, the calibration mat) come back as (info, async byte iterator) so a
route can stream them to the browser without holding them in memory.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import grpc

from services import errors
from stitchsketch.v1 import common_pb2, reconstruction_pb2, reconstruction_pb2_grpc
from ui.service_client import Download, ServiceClient, auth

log = logging.getLogger(__name__)

pb = reconstruction_pb2
_SERVICE = "stitchsketch.v1.ReconstructionService"
#: Calls safe to repeat when the service was briefly unreachable. SetKnownLength is not
#: (its points are in the model's current frame, which the first call changes), nor
#: SetCropBox or SubmitReconstruction (each makes a new job).
IDEMPOTENT = tuple(
    (_SERVICE, m) for m in ("GetJob", "ListJobs", "GetModel", "CancelJob", "GetCalibrationMat")
)
#: A known length re-exports the model (GLB, PLY, OBJ, measuring): seconds, more when busy.
KNOWN_LENGTH_DEADLINE_S = 180.0
#: Submit asks capture for the project's photos first.
SUBMIT_DEADLINE_S = 60.0
#: A streamed file (a full-resolution OBJ is tens of MB) may take this long.
DOWNLOAD_DEADLINE_S = 600.0
QUALITIES = {
    "preview": pb.RECONSTRUCTION_QUALITY_PREVIEW,
    "normal": pb.RECONSTRUCTION_QUALITY_NORMAL,
    "high": pb.RECONSTRUCTION_QUALITY_HIGH,
}
PAPERS = {"a4": pb.PAPER_SIZE_A4, "letter": pb.PAPER_SIZE_LETTER}


class ReconstructionClient(ServiceClient):
    """Async calls to the reconstruction service on behalf of a person."""

    service = "reconstruction"
    idempotent = IDEMPOTENT

    # --- jobs -----------------------------------------------------------------------

    async def submit(
        self,
        token: str,
        project_id: str,
        quality: str,
        *,
        mat_layout: pb.MatLayout | None = None,
    ) -> common_pb2.Job:
        """Start reconstructing every usable photo of the project."""
        if quality not in QUALITIES:
            raise errors.InvalidArgument("quality is preview, normal or high", field="quality")
        stub = await self.stub(reconstruction_pb2_grpc.ReconstructionServiceStub)
        options = pb.ReconstructionOptions(quality=QUALITIES[quality])
        if mat_layout is not None:
            options.mat_layout.CopyFrom(mat_layout)
        request = pb.SubmitReconstructionRequest(project_id=project_id, options=options)
        response = await self._call(
            lambda md: stub.SubmitReconstruction(request, metadata=md, timeout=SUBMIT_DEADLINE_S),
            token,
        )
        return response.job

    async def get_job(self, token: str, job_id: str) -> common_pb2.Job:
        stub = await self.stub(reconstruction_pb2_grpc.ReconstructionServiceStub)
        request = common_pb2.GetJobRequest(job_id=job_id)
        response = await self._call(lambda md: stub.GetJob(request, metadata=md), token)
        return response.job

    async def watch_job(self, token: str, job_id: str) -> AsyncIterator[common_pb2.JobEvent]:
        """The job as it changes, with its new log lines, until it ends or the stream does."""
        stub = await self.stub(reconstruction_pb2_grpc.ReconstructionServiceStub)
        call = stub.WatchJob(common_pb2.WatchJobRequest(job_id=job_id), metadata=auth(token))
        try:
            async for event in call:
                yield event
        except grpc.RpcError as exc:
            raise self.failed(exc) from exc
        finally:
            call.cancel()

    async def cancel_job(self, token: str, job_id: str) -> common_pb2.Job:
        stub = await self.stub(reconstruction_pb2_grpc.ReconstructionServiceStub)
        request = common_pb2.CancelJobRequest(job_id=job_id)
        response = await self._call(lambda md: stub.CancelJob(request, metadata=md), token)
        return response.job

    # --- models ---------------------------------------------------------------------

    async def get_model(self, token: str, job_id: str) -> pb.GetModelResponse:
        stub = await self.stub(reconstruction_pb2_grpc.ReconstructionServiceStub)
        request = pb.GetModelRequest(job_id=job_id)
        return await self._call(lambda md: stub.GetModel(request, metadata=md), token)

    async def set_known_length(
        self,
        token: str,
        job_id: str,
        a: tuple[float, float, float],
        b: tuple[float, float, float],
        length_m: float,
    ) -> pb.GetModelResponse:
        """Scale the model so |a b| (points on the model as it is now) is `length_m`."""
        stub = await self.stub(reconstruction_pb2_grpc.ReconstructionServiceStub)
        request = pb.SetKnownLengthRequest(job_id=job_id, a=_vec(a), b=_vec(b), length_m=length_m)
        return await self._call(
            lambda md: stub.SetKnownLength(request, metadata=md, timeout=KNOWN_LENGTH_DEADLINE_S),
            token,
        )

    async def set_crop_box(
        self,
        token: str,
        job_id: str,
        lo: tuple[float, float, float],
        hi: tuple[float, float, float],
    ) -> common_pb2.Job:
        """A new job re-making the model inside the box (model frame, Z up)."""
        stub = await self.stub(reconstruction_pb2_grpc.ReconstructionServiceStub)
        request = pb.SetCropBoxRequest(job_id=job_id, min=_vec(lo), max=_vec(hi))
        response = await self._call(lambda md: stub.SetCropBox(request, metadata=md), token)
        return response.job

    async def download_model_file(self, token: str, job_id: str, name: str) -> Download:
        """One of the model's files: its info and an iterator over its bytes."""
        stub = await self.stub(reconstruction_pb2_grpc.ReconstructionServiceStub)
        request = pb.DownloadModelFileRequest(job_id=job_id, name=name)
        call = stub.DownloadModelFile(request, metadata=auth(token), timeout=DOWNLOAD_DEADLINE_S)
        return await self.download(call)

    async def calibration_mat(self, token: str, paper: str) -> Download:
        """The printable calibration mat (PDF) for "a4" or "letter"."""
        if paper not in PAPERS:
            raise errors.InvalidArgument("paper is a4 or letter", field="paper")
        stub = await self.stub(reconstruction_pb2_grpc.ReconstructionServiceStub)
        request = pb.GetCalibrationMatRequest(paper=PAPERS[paper])
        call = stub.GetCalibrationMat(request, metadata=auth(token), timeout=120.0)
        return await self.download(call)


def _vec(p: tuple[float, float, float]) -> common_pb2.Vec3:
    return common_pb2.Vec3(x=float(p[0]), y=float(p[1]), z=float(p[2]))
