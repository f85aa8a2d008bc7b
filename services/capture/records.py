"""What the box knows about a stored photo: the record kept in its JSON sidecar."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from services.capture.photo_checks import FORMATS, ExifInfo
from services.capture.quality import QualityReport, Reason


@dataclass
class PhotoRecord:
    """One stored photo; `id` is the hex SHA-256 of the uploaded bytes."""

    id: str
    project_id: str
    filename: str
    camera_id: str
    capture_time: float  # Unix seconds
    received_time: float  # Unix seconds
    format: str  # "jpeg", "png" or "heic"
    size_bytes: int
    width: int  # after EXIF orientation
    height: int
    exif: ExifInfo = field(default_factory=ExifInfo)
    quality: QualityReport = field(default_factory=QualityReport)
    #: 64-bit perceptual hash, for near-duplicate checks.
    phash: int = 0

    @property
    def extension(self) -> str:
        return FORMATS[self.format][2]

    @property
    def content_type(self) -> str:
        return FORMATS[self.format][1]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> PhotoRecord:
        raw = json.loads(text)
        exif = ExifInfo(**raw.pop("exif", {}))
        quality = dict(raw.pop("quality", {}))
        reasons = [Reason(**r) for r in quality.pop("reasons", [])]
        return cls(**raw, exif=exif, quality=QualityReport(reasons=reasons, **quality))
