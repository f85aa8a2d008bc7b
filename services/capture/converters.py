"""Protobuf ↔ domain types for the capture and pairing services."""

from __future__ import annotations

from google.protobuf import timestamp_pb2

from services.capture import events, quality
from services.capture.devices import Device
from services.capture.records import PhotoRecord
from services.capture.uploads import UploadMeta
from stitchsketch.v1 import capture_pb2, pairing_pb2

_VERDICTS = {
    quality.OK: capture_pb2.QUALITY_VERDICT_OK,
    quality.WARN: capture_pb2.QUALITY_VERDICT_WARN,
    quality.REJECT: capture_pb2.QUALITY_VERDICT_REJECT,
}
_EVENT_TYPES = {
    events.ADDED: capture_pb2.PHOTO_EVENT_TYPE_ADDED,
    events.DELETED: capture_pb2.PHOTO_EVENT_TYPE_DELETED,
    events.ACTIVE_CAPTURE_CHANGED: capture_pb2.PHOTO_EVENT_TYPE_ACTIVE_CAPTURE_CHANGED,
}


def timestamp(seconds: float) -> timestamp_pb2.Timestamp | None:
    """A Timestamp for Unix seconds; None (field left unset) for 0."""
    if not seconds:
        return None
    ts = timestamp_pb2.Timestamp()
    ts.FromNanoseconds(round(seconds * 1e9))
    return ts


def seconds(ts: timestamp_pb2.Timestamp, present: bool = True) -> float:
    return ts.seconds + ts.nanos / 1e9 if present else 0.0


def upload_meta(meta: capture_pb2.PhotoMetadata) -> UploadMeta:
    return UploadMeta(
        project_id=meta.project_id,
        filename=meta.filename,
        camera_id=meta.camera_id,
        capture_time=seconds(meta.capture_time, meta.HasField("capture_time")),
        size_bytes=meta.size_bytes,
        sha256=meta.sha256,
    )


def photo(record: PhotoRecord) -> capture_pb2.Photo:
    q, x = record.quality, record.exif
    return capture_pb2.Photo(
        id=record.id,
        project_id=record.project_id,
        filename=record.filename,
        camera_id=record.camera_id,
        capture_time=timestamp(record.capture_time),
        received_time=timestamp(record.received_time),
        format=record.format,
        size_bytes=record.size_bytes,
        width=record.width,
        height=record.height,
        exif=capture_pb2.PhotoExif(
            make=x.make,
            model=x.model,
            focal_length_mm=x.focal_length_mm,
            focal_length_35mm=x.focal_length_35mm,
            focal_length_px=x.focal_length_px,
            orientation=x.orientation,
        ),
        quality=capture_pb2.PhotoQuality(
            verdict=_VERDICTS.get(q.verdict, capture_pb2.QUALITY_VERDICT_UNSPECIFIED),
            reasons=[
                capture_pb2.QualityReason(
                    code=r.code, message=r.message, severity=_VERDICTS[r.severity]
                )
                for r in q.reasons
            ],
            sharpness=q.sharpness,
            dark_clipped_fraction=q.dark_clipped_fraction,
            bright_clipped_fraction=q.bright_clipped_fraction,
            mean_brightness=q.mean_brightness,
            megapixels=q.megapixels,
            near_duplicate_of=q.near_duplicate_of,
        ),
    )


def photo_event(event: events.PhotoEvent) -> capture_pb2.PhotoEvent:
    return capture_pb2.PhotoEvent(
        type=_EVENT_TYPES[event.type],
        project_id=event.project_id,
        photo=photo(event.photo) if event.photo else None,
    )


def device(d: Device) -> pairing_pb2.Device:
    return pairing_pb2.Device(
        id=d.id,
        name=d.name,
        paired_at=timestamp(d.paired_at),
        last_seen_at=timestamp(d.last_seen_at),
        revoked=d.revoked,
    )
