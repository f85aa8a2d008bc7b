"""The reconstruction service as a client of capture: list a project's photos, choose
the ones to use, download one original (each process owns its data: this service never
opens capture's files).

Used twice: by the servicer to refuse a hopeless submit at once (FAILED_PRECONDITION),
and inside the job process by `fetch_photos`. The service signs itself a short read-only
token with the box key for every call.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import grpc

from appliance.endpoints import parse_static
from services.errors import (
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    ResourceExhausted,
    StitchError,
    Unavailable,
)
from services.reconstruction.prepare_images import MIN_PHOTOS
from services.runtime.artifacts import receive_artifact
from services.runtime.client import open_channel
from services.runtime.tokens import TokenSigner, load_or_create_box_id, load_or_create_key
from stitchsketch.v1 import capture_pb2, capture_pb2_grpc

log = logging.getLogger(__name__)

SERVICE = "capture"
CAPTURE_SERVICE = capture_pb2.DESCRIPTOR.services_by_name["CaptureService"].full_name
#: Same rule as capture's: opaque ids, never paths.
PROJECT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
PHOTO_ID = re.compile(r"[0-9a-f]{64}")
#: Lifetime of each self-signed token (one per call).
TOKEN_TTL_S = 300.0


@dataclass(frozen=True)
class CaptureAccess:
    """How to reach capture; stored in a job's params (no secrets: the key is read from
    data_dir by whoever signs)."""

    data_dir: str
    static_services: str = ""
    discover_mdns: bool = True
    timeout_s: float = 120.0

    def to_params(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> CaptureAccess:
        return cls(**params)

    def token_source(self) -> Callable[[], str]:
        """A fresh short-lived viewer token per call (photos:read is all we need)."""
        data_dir = Path(self.data_dir)
        signer = TokenSigner(load_or_create_key(data_dir), load_or_create_box_id(data_dir))
        return lambda: signer.issue("service:reconstruction", "viewer", kind="service",
                                    name="reconstruction service", ttl_s=TOKEN_TTL_S)


def check_project_id(project_id: str) -> str:
    if not PROJECT_ID.fullmatch(project_id):
        raise InvalidArgument(f"project id {project_id[:80]!r} is not valid: use 1-64 "
                              "letters, digits, '_' or '-'", field="project_id")
    return project_id


def check_photo_ids(photo_ids: list[str]) -> list[str]:
    bad = [p for p in photo_ids if not PHOTO_ID.fullmatch(p)]
    if bad:
        raise InvalidArgument(f"{bad[0][:80]!r} is not a photo id (64 hex digits)",
                              field="photo_ids")
    if len(set(photo_ids)) != len(photo_ids):
        raise InvalidArgument("a photo is named twice", field="photo_ids")
    return photo_ids


def select_photos(project_id: str, photos: list[capture_pb2.Photo], photo_ids: list[str],
                  max_photos: int) -> list[capture_pb2.Photo]:
    """The photos to reconstruct from: the ones named (in that order), or else every photo
    whose quality verdict is not REJECT (oldest first). Raises when too few or too many."""
    if photo_ids:
        by_id = {p.id: p for p in photos}
        missing = [i for i in photo_ids if i not in by_id]
        if missing:
            raise NotFound(f"photo {missing[0][:12]}… is not in project {project_id}",
                           field="photo_ids")
        chosen = [by_id[i] for i in photo_ids]
    else:
        chosen = [p for p in photos
                  if p.quality.verdict != capture_pb2.QUALITY_VERDICT_REJECT]
    if len(chosen) < MIN_PHOTOS:
        if not photos:
            why = f"project {project_id} has no photos"
        else:
            rejected = len(photos) - len(chosen) if not photo_ids else 0
            why = (f"only {len(chosen)} usable photo{'s' if len(chosen) != 1 else ''} in "
                   f"project {project_id}"
                   + (f" ({rejected} rejected by the quality checks)" if rejected else ""))
        raise FailedPrecondition(f"{why}; a reconstruction needs at least {MIN_PHOTOS} "
                                 "(30-80 all around the piece work best): take more photos")
    if len(chosen) > max_photos:
        raise ResourceExhausted(f"{len(chosen)} photos is more than this box takes in one job "
                                f"({max_photos}): choose photos with photo_ids")
    return chosen


async def resolve_target(access: CaptureAccess, discovery: Any = None) -> str:
    """capture's address: from a running Discovery, else a short-lived one (mDNS, then the
    static list)."""
    if discovery is not None:
        return (await discovery.resolve(SERVICE)).target
    from appliance.mdns import Discovery  # zeroconf: only where it is used

    try:
        static = parse_static(access.static_services)
    except ValueError as exc:
        raise FailedPrecondition(f"bad static service addresses: {exc}") from exc
    found = Discovery(static)
    if access.discover_mdns:
        await found.start()
    try:
        return (await found.resolve(SERVICE)).target
    finally:
        await found.close()


def channel(target: str, access: CaptureAccess) -> grpc.aio.Channel:
    return open_channel(target, access.token_source(),
                        idempotent=[(CAPTURE_SERVICE, "ListPhotos"),
                                    (CAPTURE_SERVICE, "GetPhoto")])


async def list_photos(stub: capture_pb2_grpc.CaptureServiceStub, project_id: str,
                      timeout_s: float) -> list[capture_pb2.Photo]:
    try:
        reply = await stub.ListPhotos(capture_pb2.ListPhotosRequest(project_id=project_id),
                                      timeout=timeout_s)
    except grpc.RpcError as exc:
        raise domain_error(exc, "listing the photos") from exc
    return list(reply.photos)


async def download_photo(stub: capture_pb2_grpc.CaptureServiceStub, project_id: str,
                         photo_id: str, dest: Path, timeout_s: float,
                         check_stop: Callable[[], None] = lambda: None) -> int:
    """The original photo into `dest` (atomically), verified against its id (the SHA-256
    of its bytes); returns the byte count."""
    request = capture_pb2.GetPhotoRequest(project_id=project_id, photo_id=photo_id,
                                          variant=capture_pb2.PHOTO_VARIANT_ORIGINAL)
    try:
        return await receive_artifact(stub.GetPhoto(request, timeout=timeout_s), dest,
                                     expected_sha256=photo_id, what="photo",
                                     check_stop=check_stop)
    except grpc.RpcError as exc:
        raise domain_error(exc, f"fetching photo {photo_id[:12]}…") from exc


def file_sha256(path: Path) -> str | None:
    """Hex SHA-256 of a file, None when it is missing."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


def domain_error(exc: grpc.RpcError, doing: str) -> StitchError:
    """A capture refusal as the domain error to show this service's caller."""
    code = exc.code() if hasattr(exc, "code") else None
    detail = exc.details() if hasattr(exc, "details") else str(exc)
    if code == grpc.StatusCode.NOT_FOUND:
        return NotFound(f"capture: {detail}", field="photo_ids")
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        return InvalidArgument(f"capture refused {doing}: {detail}", field="project_id")
    if code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
        return Unavailable(f"the capture service did not answer while {doing}: {detail}",
                           retry_after_s=2.0)
    if code in (grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED):
        return PermissionDenied(f"capture refused this box's service token ({detail}): do "
                                "both services share the box signing key?")
    return FailedPrecondition(f"{doing} failed at capture ({code.name if code else '?'}): "
                              f"{detail}")
