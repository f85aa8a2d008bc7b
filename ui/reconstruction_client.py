"""The UI's client of the reconstruction service: one channel per process, a token per call.

Like `ui.patterns_client`: each call carries the token of the person it is made for, and
failures come back as domain errors (services.errors) whose message is fit to show.
Downloads (model files, the calibration mat) come back as (info, async byte iterator) so a
route can stream them to the browser without holding them in memory.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import grpc

from services import errors
from services.runtime.client import open_channel
from services.runtime.status import CODES
from stitchsketch.v1 import common_pb2, reconstruction_pb2, reconstruction_pb2_grpc

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
_ERRORS = {code: cls for cls, code in CODES.items()}
Locate = Callable[[], Awaitable[str]]
T = TypeVar("T")
Download = tuple[common_pb2.ArtifactInfo, AsyncIterator[bytes]]


def domain_error(exc: grpc.RpcError) -> errors.StitchError:
    """The domain error for a failed call, keeping the service's message."""
    code = exc.code() if hasattr(exc, "code") else grpc.StatusCode.UNKNOWN
    details = (exc.details() if hasattr(exc, "details") else "") or str(code)
    if code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
        return errors.Unavailable(
            f"reconstruction service unavailable: {details}", retry_after_s=1.0
        )
    return _ERRORS.get(code, errors.StitchError)(details)


def _auth(token: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {token}"),)


class ReconstructionClient:
    """Async calls to the reconstruction service on behalf of a person."""

    def __init__(self, locate: Locate):
        self._locate = locate
        self._target: str | None = None
        self._channel: grpc.aio.Channel | None = None
        self._stub: reconstruction_pb2_grpc.ReconstructionServiceStub | None = None

    @property
    def target(self) -> str | None:
        return self._target

    async def _get_stub(self) -> reconstruction_pb2_grpc.ReconstructionServiceStub:
        if self._stub is None:
            try:
                target = await self._locate()
            except errors.Unavailable as exc:
                raise errors.Unavailable(
                    f"reconstruction service not found: {exc.message}", retry_after_s=1.0
                ) from exc
            if self._channel is None or target != self._target:
                if self._channel is not None:
                    await self._channel.close()
                self._target = target
                self._channel = open_channel(target, None, idempotent=IDEMPOTENT)
                log.info("reconstruction client talks to %s", target)
            self._stub = reconstruction_pb2_grpc.ReconstructionServiceStub(self._channel)
        return self._stub

    def _failed(self, exc: grpc.RpcError) -> errors.StitchError:
        error = domain_error(exc)
        if isinstance(error, errors.Unavailable):
            self._stub = None  # find the service again next time (it may have moved)
        return error

    async def _call(self, make: Callable[[tuple], Awaitable[T]], token: str) -> T:
        try:
            return await make(_auth(token))
        except grpc.RpcError as exc:
            raise self._failed(exc) from exc

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close()
        self._channel = self._stub = None

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
        stub = await self._get_stub()
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
        stub = await self._get_stub()
        request = common_pb2.GetJobRequest(job_id=job_id)
        response = await self._call(lambda md: stub.GetJob(request, metadata=md), token)
        return response.job

    async def watch_job(self, token: str, job_id: str) -> AsyncIterator[common_pb2.JobEvent]:
        """The job as it changes, with its new log lines, until it ends or the stream does."""
        stub = await self._get_stub()
        call = stub.WatchJob(common_pb2.WatchJobRequest(job_id=job_id), metadata=_auth(token))
        try:
            async for event in call:
                yield event
        except grpc.RpcError as exc:
            raise self._failed(exc) from exc
        finally:
            call.cancel()

    async def cancel_job(self, token: str, job_id: str) -> common_pb2.Job:
        stub = await self._get_stub()
        request = common_pb2.CancelJobRequest(job_id=job_id)
        response = await self._call(lambda md: stub.CancelJob(request, metadata=md), token)
        return response.job

    # --- models ---------------------------------------------------------------------

    async def get_model(self, token: str, job_id: str) -> pb.GetModelResponse:
        stub = await self._get_stub()
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
        stub = await self._get_stub()
        request = pb.SetKnownLengthRequest(
            job_id=job_id, a=_vec(a), b=_vec(b), length_m=length_m
        )
        return await self._call(
            lambda md: stub.SetKnownLength(
                request, metadata=md, timeout=KNOWN_LENGTH_DEADLINE_S
            ),
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
        stub = await self._get_stub()
        request = pb.SetCropBoxRequest(job_id=job_id, min=_vec(lo), max=_vec(hi))
        response = await self._call(lambda md: stub.SetCropBox(request, metadata=md), token)
        return response.job

    async def download_model_file(self, token: str, job_id: str, name: str) -> Download:
        """One of the model's files: its info and an iterator over its bytes."""
        stub = await self._get_stub()
        request = pb.DownloadModelFileRequest(job_id=job_id, name=name)
        call = stub.DownloadModelFile(
            request, metadata=_auth(token), timeout=DOWNLOAD_DEADLINE_S
        )
        return await self._stream(call)

    async def calibration_mat(self, token: str, paper: str) -> Download:
        """The printable calibration mat (PDF) for "a4" or "letter"."""
        if paper not in PAPERS:
            raise errors.InvalidArgument("paper is a4 or letter", field="paper")
        stub = await self._get_stub()
        request = pb.GetCalibrationMatRequest(paper=PAPERS[paper])
        call = stub.GetCalibrationMat(request, metadata=_auth(token), timeout=120.0)
        return await self._stream(call)

    async def _stream(self, call: Any) -> Download:
        """Info first (so errors surface before any byte goes out), then the chunks."""
        stream = call.__aiter__()
        try:
            first = await stream.__anext__()
        except StopAsyncIteration:
            raise errors.Unavailable("the reconstruction service ended a download early") from None
        except grpc.RpcError as exc:
            raise self._failed(exc) from exc

        async def body() -> AsyncIterator[bytes]:
            try:
                async for part in stream:
                    if part.HasField("chunk"):
                        yield part.chunk.data
            except grpc.RpcError as exc:
                raise domain_error(exc) from exc
            finally:
                call.cancel()

        return first.info, body()


def _vec(p: tuple[float, float, float]) -> common_pb2.Vec3:
    return common_pb2.Vec3(x=float(p[0]), y=float(p[1]), z=float(p[2]))
