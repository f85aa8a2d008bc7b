"""gRPC adapter for ReconstructionService: protos in, ReconstructionJobs calls, protos out.

Auth, request ids and the mapping of domain errors to status codes happen in the
runtime's interceptor; each RPC's scope is declared in SCOPES below. Streaming handlers
are async generators (the interceptor wraps them as such).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import grpc

from services.errors import InvalidArgument
from services.reconstruction import converters
from services.reconstruction.reconstruction_jobs import ReconstructionJobs
from services.runtime import tokens
from services.runtime.artifacts import artifact_parts, file_parts
from services.runtime.job_rpcs import JobRpcs, job_scopes, job_to_proto
from stitchsketch.v1 import common_pb2, reconstruction_pb2, reconstruction_pb2_grpc

pb = reconstruction_pb2
RECONSTRUCTION_SERVICE = pb.DESCRIPTOR.services_by_name["ReconstructionService"].full_name
#: Bytes per streamed chunk (the contract says at most 1 MiB).


def _m(method: str) -> str:
    return f"/{RECONSTRUCTION_SERVICE}/{method}"


#: Full method name → the scope a caller needs: reads JOBS_READ, anything that starts or
#: changes work JOBS_RUN.
SCOPES: dict[str, str | None] = {
    **job_scopes(RECONSTRUCTION_SERVICE),
    _m("SubmitReconstruction"): tokens.JOBS_RUN,
    _m("GetModel"): tokens.JOBS_READ,
    _m("DownloadModelFile"): tokens.JOBS_READ,
    _m("SetKnownLength"): tokens.JOBS_RUN,
    _m("SetCropBox"): tokens.JOBS_RUN,
    _m("GetCalibrationMat"): tokens.JOBS_READ,
}


class ReconstructionServicer(JobRpcs, reconstruction_pb2_grpc.ReconstructionServiceServicer):
    """Submit, models, files and corrections; the job calls come from JobRpcs."""

    def __init__(self, recon: ReconstructionJobs):
        self._recon = recon
        self.jobs = recon.jobs

    async def SubmitReconstruction(
        self, request: pb.SubmitReconstructionRequest, context: grpc.aio.ServicerContext
    ) -> pb.SubmitReconstructionResponse:
        job = await self._recon.submit(request.project_id, list(request.photo_ids),
                                       converters.options(request.options))
        return pb.SubmitReconstructionResponse(job=job_to_proto(job))

    async def GetModel(
        self, request: pb.GetModelRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetModelResponse:
        return converters.model_response(await self._recon.model(request.job_id))

    async def DownloadModelFile(
        self, request: pb.DownloadModelFileRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[common_pb2.ArtifactPart]:
        if not request.name:
            raise InvalidArgument("name one of the model's files", field="name")
        path, content_type = await self._recon.model_file(request.job_id, request.name)
        async for part in file_parts(path, Path(request.name).name, content_type):
            yield part

    async def SetKnownLength(
        self, request: pb.SetKnownLengthRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetModelResponse:
        info = await self._recon.set_known_length(
            request.job_id, converters.vec3(request.a, "a"), converters.vec3(request.b, "b"),
            request.length_m)
        return converters.model_response(info)

    async def SetCropBox(
        self, request: pb.SetCropBoxRequest, context: grpc.aio.ServicerContext
    ) -> pb.SubmitReconstructionResponse:
        job = await self._recon.set_crop_box(request.job_id, converters.crop_box(request))
        return pb.SubmitReconstructionResponse(job=job_to_proto(job))

    async def GetCalibrationMat(
        self, request: pb.GetCalibrationMatRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[common_pb2.ArtifactPart]:
        paper = converters.paper(request.paper)
        data = await self._recon.calibration_mat(paper)
        name = f"stitchsketch-calibration-mat-{paper}.pdf"
        for part in artifact_parts(data, name, "application/pdf"):
            yield part
