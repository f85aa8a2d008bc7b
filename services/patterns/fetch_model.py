"""Fetching a reconstruction job's full-resolution mesh over gRPC (each process owns its
data: the patterns service never opens the reconstruction service's files).

Runs inside the patterns job's process: finds the reconstruction service (mDNS, then the
static address list), signs itself a short read-only token with the box key, and streams
`model.ply` into the job folder, checking offsets, size and SHA-256 as it goes.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import grpc

from appliance.endpoints import parse_static
from services.errors import FailedPrecondition, InvalidArgument, NotFound, Unavailable
from services.runtime.client import open_channel
from services.runtime.tokens import TokenSigner, load_or_create_box_id, load_or_create_key
from stitchsketch.v1 import common_pb2, reconstruction_pb2, reconstruction_pb2_grpc

log = logging.getLogger(__name__)

#: The full-resolution mesh a reconstruction job offers (GetModelResponse.files).
MODEL_FILE = "model.ply"
SERVICE = "reconstruction"


def fetch_model(source: dict[str, Any], dest: Path, progress: Callable[[float], None]) -> None:
    """Download the model into `dest` (atomically); raise a domain error saying why not.

    `source` (made by PatternJobs.submit): reconstruction_job_id, data_dir (for the box
    key), static_services, discover_mdns, timeout_s.
    """
    asyncio.run(_fetch(source, dest, progress))


async def _fetch(source: dict[str, Any], dest: Path, progress: Callable[[float], None]) -> None:
    from appliance.mdns import Discovery  # zeroconf: only in the process that browses

    discovery = Discovery(parse_static(source.get("static_services", "")))
    if source.get("discover_mdns", True):
        await discovery.start()
    try:
        endpoint = await discovery.resolve(SERVICE)
    finally:
        await discovery.close()
    data_dir = Path(source["data_dir"])
    timeout = float(source.get("timeout_s", 300.0))
    signer = TokenSigner(load_or_create_key(data_dir), load_or_create_box_id(data_dir))
    token = signer.issue("service:patterns", "viewer", kind="service", name="patterns service",
                         ttl_s=timeout + 60)
    job_id = source["reconstruction_job_id"]
    request = reconstruction_pb2.DownloadModelFileRequest(job_id=job_id, name=MODEL_FILE)
    log.info("fetching %s of reconstruction job %s from %s", MODEL_FILE, job_id,
             endpoint.target)
    async with open_channel(endpoint.target, token) as channel:
        stub = reconstruction_pb2_grpc.ReconstructionServiceStub(channel)
        try:
            await receive_artifact(stub.DownloadModelFile(request, timeout=timeout), dest,
                                   progress)
        except grpc.RpcError as exc:
            raise _domain_error(exc, job_id, endpoint.target) from exc


async def receive_artifact(parts: AsyncIterator[common_pb2.ArtifactPart], dest: Path,
                           progress: Callable[[float], None] = lambda f: None) -> int:
    """Write a streamed artifact (info, then chunks in order) to `dest` atomically, checking
    it against its info; returns the byte count."""
    tmp = dest.with_name(f".{dest.name}.part")
    digest = hashlib.sha256()
    info: common_pb2.ArtifactInfo | None = None
    received = 0
    try:
        with open(tmp, "wb") as f:
            async for part in parts:
                if part.WhichOneof("part") == "info":
                    if info is not None:
                        raise FailedPrecondition("the model stream sent its info twice")
                    info = part.info
                    continue
                if info is None:
                    raise FailedPrecondition("the model stream did not start with its info")
                if part.chunk.offset != received:
                    raise FailedPrecondition(f"the model stream skipped or repeated bytes at "
                                             f"{received}: try again")
                f.write(part.chunk.data)
                digest.update(part.chunk.data)
                received += len(part.chunk.data)
                progress(min(received / max(info.size_bytes, 1), 1.0))
            f.flush()
            os.fsync(f.fileno())
        if info is None:
            raise FailedPrecondition("the model stream was empty")
        if info.size_bytes and received != info.size_bytes:
            raise Unavailable(f"the model stream ended after {received} of {info.size_bytes} "
                              "bytes: try again", retry_after_s=2.0)
        if info.sha256 and digest.hexdigest() != info.sha256:
            raise Unavailable("the model arrived damaged (SHA-256 differs): try again",
                              retry_after_s=2.0)
        os.replace(tmp, dest)
        return received
    finally:
        tmp.unlink(missing_ok=True)


def _domain_error(exc: grpc.RpcError, job_id: str, target: str) -> Exception:
    code = exc.code() if hasattr(exc, "code") else None
    detail = exc.details() if hasattr(exc, "details") else str(exc)
    if code == grpc.StatusCode.NOT_FOUND:
        return NotFound(f"reconstruction job {job_id} has no {MODEL_FILE}: {detail}",
                        field="reconstruction_job_id")
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        return InvalidArgument(f"the reconstruction service refused: {detail}",
                               field="reconstruction_job_id")
    if code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
        return Unavailable(f"the reconstruction service at {target} did not answer: {detail}",
                           retry_after_s=2.0)
    return FailedPrecondition(f"fetching the model failed ({code.name if code else '?'}): "
                              f"{detail}")
