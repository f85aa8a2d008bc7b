"""Reading a photo file once: the exact bytes we hash are the bytes we send."""

from __future__ import annotations

import hashlib
import io
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from scripts.camera.scan import FileVersion

log = logging.getLogger(__name__)

_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 0x9003
_OFFSET_TIME_ORIGINAL = 0x9011
_DATETIME = 0x0132


@dataclass(frozen=True)
class LocalPhoto:
    """A photo's bytes as read, with what the upload metadata needs."""

    version: FileVersion
    data: bytes
    sha256: str
    capture_time: datetime

    @property
    def size(self) -> int:
        return len(self.data)


def read_photo(version: FileVersion) -> LocalPhoto | None:
    """The file's bytes, hash and capture time; None when it changed while being read
    (still being written after all: the scanner offers the new version later)."""
    path = version.path
    with path.open("rb") as f:
        data = f.read()
        st = os.fstat(f.fileno())
    if (
        len(data) != version.size
        or st.st_size != version.size
        or st.st_mtime_ns != version.mtime_ns
    ):
        log.debug("%s changed while being read; waiting for it to settle", path)
        return None
    taken = exif_time(data) or datetime.fromtimestamp(version.mtime_ns / 1e9, UTC)
    return LocalPhoto(version, data, hashlib.sha256(data).hexdigest(), taken)


def exif_time(data: bytes) -> datetime | None:
    """EXIF DateTimeOriginal (local time of the camera, made aware), or None.

    Reads headers only; pixels are never decoded. Without an EXIF offset the camera's
    clock is taken to be in this machine's time zone (they sit side by side).
    """
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            exif = image.getexif()
    except Exception:  # not readable here (e.g. HEIC without pillow-heif): use the mtime
        return None
    sub = exif.get_ifd(_EXIF_IFD)
    text = sub.get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    if not isinstance(text, str):
        return None
    try:
        naive = datetime.strptime(text.strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = sub.get(_OFFSET_TIME_ORIGINAL)
    if isinstance(offset, str) and len(offset) >= 6 and offset[0] in "+-":
        try:
            sign = 1 if offset[0] == "+" else -1
            hours, minutes = int(offset[1:3]), int(offset[4:6])
            tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
            return naive.replace(tzinfo=tz)
        except ValueError:
            pass
    return naive.astimezone()  # naive → this machine's local zone


def register_heif() -> None:
    """Let Pillow read HEIC headers when pillow-heif is installed (optional on a camera)."""
    try:
        import pillow_heif

        pillow_heif.register_heif_opener()
    except ImportError:
        pass
