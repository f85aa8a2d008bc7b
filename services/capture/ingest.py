"""From received bytes to a stored, checked photo: the capture service's main use case.

Plain functions over the store and the checks, in two halves so the servicer can
bound them separately: `check_upload` is CPU work (hash, decode, measure; tens of
milliseconds, releasing the GIL, so two cores decode two photos at once) and
`store_checked` is disk work (writes and fsyncs, mostly waiting).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from services.capture import photo_checks, quality
from services.capture.photo_checks import Limits
from services.capture.photo_store import PhotoStore, check_project_id
from services.capture.records import PhotoRecord
from services.capture.thumbnails import encode_jpeg, shrink
from services.capture.uploads import UploadAssembler
from services.errors import FailedPrecondition, PermissionDenied

NO_ACTIVE_CAPTURE = "no project is capturing: start capture on the kiosk"


def target_project(store: PhotoStore, requested: str, *, is_device: bool) -> str:
    """The project an upload goes to: cameras always into the active capture project,
    people into the one they name (or the active one when they name none)."""
    active = store.active_project()
    if requested:
        check_project_id(requested, field="metadata.project_id")
    if is_device:
        if not active:
            raise FailedPrecondition(NO_ACTIVE_CAPTURE)
        if requested and requested != active:
            raise PermissionDenied(
                f"cameras upload into the active capture project ({active}) only"
            )
        return active
    if requested:
        return requested
    if not active:
        raise FailedPrecondition(NO_ACTIVE_CAPTURE)
    return active


@dataclass
class CheckedPhoto:
    """An upload after the CPU work: ready to store, or already stored."""

    record: PhotoRecord
    data: bytes = b""
    thumbnail: bytes = b""
    #: True when these bytes were already in the project (`record` is the stored one).
    stored: bool = False


def check_upload(
    store: PhotoStore,
    project_id: str,
    upload: UploadAssembler,
    limits: Limits,
    *,
    default_camera: str = "",
) -> CheckedPhoto:
    """Hash, decode, measure and thumbnail an upload (the CPU-bound half of ingest).

    A photo already in the project is returned as stored before any decoding, so a
    camera's retries cost only a hash.
    """
    meta, data, digest = upload.finish()
    existing = store.find(project_id, digest)
    if existing is not None:
        return CheckedPhoto(existing, stored=True)
    decoded = photo_checks.decode_photo(data, limits)
    small = shrink(decoded.working)
    phash = quality.perceptual_hash(small)
    earlier = [(pid, h) for pid, h in store.hashes(project_id) if pid != digest]
    grey = quality.grey(decoded.working)
    report = quality.assess(grey, decoded.width, decoded.height, phash, earlier)
    now = time.time()
    record = PhotoRecord(
        id=digest,
        project_id=project_id,
        filename=meta.filename,
        camera_id=meta.camera_id or default_camera,
        capture_time=meta.capture_time or decoded.exif.taken_at or now,
        received_time=now,
        format=decoded.format,
        size_bytes=len(data),
        width=decoded.width,
        height=decoded.height,
        exif=decoded.exif,
        quality=report,
        phash=phash,
    )
    return CheckedPhoto(record, data, encode_jpeg(small))


def store_checked(store: PhotoStore, checked: CheckedPhoto) -> tuple[PhotoRecord, bool]:
    """Write a checked photo (the I/O-bound half: fsyncs); (record, duplicate)."""
    if checked.stored:
        return checked.record, True
    return store.add(checked.record, checked.data, checked.thumbnail)


def ingest_photo(
    store: PhotoStore,
    project_id: str,
    upload: UploadAssembler,
    limits: Limits,
    *,
    default_camera: str = "",
) -> tuple[PhotoRecord, bool]:
    """Check and store an upload in one go; (record, duplicate)."""
    checked = check_upload(store, project_id, upload, limits, default_camera=default_camera)
    return store_checked(store, checked)
