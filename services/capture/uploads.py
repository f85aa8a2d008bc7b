"""The rules of an upload stream, without the transport: metadata once and first,
chunks contiguous from offset 0, the size and hash the sender announced, the byte limit.

The servicer feeds messages in as they arrive, so a bad stream is refused at the
first bad message, before the rest of its bytes are read.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from services.capture.photo_checks import Limits, check_size, sniff_format
from services.errors import InvalidArgument

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_SNIFF_BYTES = 16


@dataclass(frozen=True)
class UploadMeta:
    """What the sender says about the photo before its bytes."""

    project_id: str = ""
    filename: str = ""
    camera_id: str = ""
    capture_time: float = 0.0  # Unix seconds; 0 when the sender did not say
    size_bytes: int = 0  # 0 when unknown
    sha256: str = ""  # lower-case hex; empty when unknown


class UploadAssembler:
    """Collects one upload's bytes while checking the stream's rules."""

    def __init__(self, limits: Limits):
        self._limits = limits
        self._parts: list[bytes] = []
        self._received = 0
        self._sniffed = False
        self.meta: UploadMeta | None = None

    @property
    def received(self) -> int:
        return self._received

    def add_metadata(self, meta: UploadMeta) -> UploadMeta:
        """Accept the metadata message; it must be the first and come once."""
        if self.meta is not None:
            raise InvalidArgument("metadata was sent twice: send it once, first", field="metadata")
        if self._received:
            raise InvalidArgument("metadata must come before the photo's bytes", field="metadata")
        sha = meta.sha256.strip().lower()
        if sha and not _SHA256.match(sha):
            raise InvalidArgument("sha256 must be 64 hex digits", field="metadata.sha256")
        if meta.size_bytes < 0:
            raise InvalidArgument("size_bytes cannot be negative", field="metadata.size_bytes")
        check_size(meta.size_bytes, self._limits)
        self.meta = UploadMeta(
            project_id=meta.project_id.strip(),
            filename=clean_label(meta.filename, 255),
            camera_id=clean_label(meta.camera_id, 128),
            capture_time=meta.capture_time,
            size_bytes=meta.size_bytes,
            sha256=sha,
        )
        return self.meta

    def add_chunk(self, offset: int, data: bytes) -> None:
        """Accept the next chunk; `offset` must be where the previous one ended."""
        if self.meta is None:
            raise InvalidArgument(
                "the first message of an upload must be its metadata", field="metadata"
            )
        if offset != self._received:
            raise InvalidArgument(
                f"chunk at offset {offset} but {self._received} bytes have arrived: "
                "send chunks in order, without gaps or repeats",
                field="chunk.offset",
            )
        self._received += len(data)
        check_size(self._received, self._limits)
        if self.meta.size_bytes and self._received > self.meta.size_bytes:
            raise InvalidArgument(
                f"more bytes arrived than the announced {self.meta.size_bytes}",
                field="metadata.size_bytes",
            )
        if data:
            self._parts.append(data)
        if not self._sniffed and self._received >= _SNIFF_BYTES:
            sniff_format(self._head())  # a non-photo is refused before the rest arrives
            self._sniffed = True

    def finish(self) -> tuple[UploadMeta, bytes, str]:
        """The whole upload: metadata, bytes and their hex SHA-256 (checked if announced).

        Hashing and joining cost a few ms per photo, so call this off the event loop.
        """
        if self.meta is None:
            raise InvalidArgument("empty upload: send metadata, then the photo", field="metadata")
        if not self._received:
            raise InvalidArgument("the upload has no photo bytes", field="chunk")
        if self.meta.size_bytes and self._received != self.meta.size_bytes:
            raise InvalidArgument(
                f"upload ended after {self._received} of the announced "
                f"{self.meta.size_bytes} bytes: send it again",
                field="metadata.size_bytes",
            )
        data = self._parts[0] if len(self._parts) == 1 else b"".join(self._parts)
        self._parts = [data]
        digest = hashlib.sha256(data).hexdigest()
        if self.meta.sha256 and digest != self.meta.sha256:
            raise InvalidArgument(
                "the photo's bytes do not match the announced sha256: it was damaged on "
                "the way, send it again",
                field="metadata.sha256",
            )
        return self.meta, data, digest

    def _head(self) -> bytes:
        head = b""
        for part in self._parts:
            head += part[: _SNIFF_BYTES - len(head)]
            if len(head) >= _SNIFF_BYTES:
                break
        return head


def clean_label(text: str, limit: int) -> str:
    """Free text shown to people: no control characters, bounded length."""
    return "".join(ch for ch in text if ch.isprintable()).strip()[:limit]
