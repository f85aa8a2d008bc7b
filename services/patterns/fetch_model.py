"""Fetching a reconstruction job's full-resolution mesh over gRPC (each process owns its
data: the patterns service never opens the reconstruction service's files).

Runs inside the patterns job's process: finds the reconstruction service (mDNS, then the
static address list), signs itself a short read-only token with the box key, and streams
`model.ply` into the job folder, checking offsets, size and SHA-256 as it goes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import grpc

from appliance.endpoints import parse_static
from services.errors import FailedPrecondition, InvalidArgument, NotFound, Unavailable
from services.runtime.artifacts import receive_artifact
from services.runtime.client import open_channel
from services.runtime.tokens import TokenSigner, load_or_create_box_id, load_or_create_key
from stitchsketch.v1 import reconstruction_pb2, reconstruction_pb2_grpc

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
                                   what="model", progress=progress)
        except grpc.RpcError as exc:
            raise _domain_error(exc, job_id, endpoint.target) from exc


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
