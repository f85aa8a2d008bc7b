"""Artifacts over gRPC: files sent as an ArtifactPart stream (info, then chunks in
order) and received back into a file, checked. Every service that serves or fetches a
photo, a mesh or a document uses these two functions.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

from services.errors import Unavailable
from stitchsketch.v1 import common_pb2

#: Bytes per chunk: well under the 8 MiB message limit, big enough to be cheap.
CHUNK_BYTES = 1024 * 1024


def artifact_parts(
    data: bytes, name: str, content_type: str, sha256: str = ""
) -> Iterator[common_pb2.ArtifactPart]:
    """`data` as a stream: its info (size, SHA-256), then 1 MiB chunks."""
    info = common_pb2.ArtifactInfo(
        name=name,
        content_type=content_type,
        size_bytes=len(data),
        sha256=sha256 or hashlib.sha256(data).hexdigest(),
    )
    yield common_pb2.ArtifactPart(info=info)
    view = memoryview(data)
    for offset in range(0, len(data), CHUNK_BYTES):
        chunk = common_pb2.Chunk(offset=offset, data=bytes(view[offset : offset + CHUNK_BYTES]))
        yield common_pb2.ArtifactPart(chunk=chunk)


async def file_parts(
    path: Path, name: str, content_type: str
) -> AsyncIterator[common_pb2.ArtifactPart]:
    """A file as a stream, read off the event loop through one open handle, so a
    writer replacing the file meanwhile (atomically) cannot mix two versions."""
    f = await asyncio.to_thread(open, path, "rb")
    try:
        size = os.fstat(f.fileno()).st_size
        digest = hashlib.sha256()
        for block in iter(lambda: f.read(CHUNK_BYTES), b""):
            digest.update(block)
        f.seek(0)
        info = common_pb2.ArtifactInfo(
            name=name, content_type=content_type, size_bytes=size, sha256=digest.hexdigest()
        )
        yield common_pb2.ArtifactPart(info=info)
        offset = 0
        while data := await asyncio.to_thread(f.read, CHUNK_BYTES):
            yield common_pb2.ArtifactPart(chunk=common_pb2.Chunk(offset=offset, data=data))
            offset += len(data)
    finally:
        f.close()


async def receive_artifact(
    parts: AsyncIterator[common_pb2.ArtifactPart],
    dest: Path,
    *,
    expected_sha256: str = "",
    what: str = "file",
    progress: Callable[[float], None] = lambda fraction: None,
    check_stop: Callable[[], None] = lambda: None,
) -> int:
    """Write a streamed artifact to `dest` atomically, checking order, size and SHA-256
    (the sender's, and `expected_sha256` when the caller knows it); returns the bytes.

    A damaged or short stream raises Unavailable: fetching again is the remedy.
    """
    tmp = dest.with_name(f".{dest.name}.part")
    digest = hashlib.sha256()
    info: common_pb2.ArtifactInfo | None = None
    received = 0
    try:
        with open(tmp, "wb") as f:
            async for part in parts:
                check_stop()
                if part.WhichOneof("part") == "info":
                    if info is not None:
                        raise Unavailable(f"the {what} stream sent its info twice: try again")
                    info = part.info
                    continue
                if info is None or part.chunk.offset != received:
                    raise Unavailable(
                        f"the {what} stream was out of order: try again", retry_after_s=1.0
                    )
                f.write(part.chunk.data)
                digest.update(part.chunk.data)
                received += len(part.chunk.data)
                progress(min(received / max(info.size_bytes, 1), 1.0))
            f.flush()
            os.fsync(f.fileno())
        if info is None or (info.size_bytes and received != info.size_bytes):
            raise Unavailable(
                f"the {what} stream ended early ({received} bytes): try again", retry_after_s=1.0
            )
        sha = digest.hexdigest()
        if (info.sha256 and sha != info.sha256) or (expected_sha256 and sha != expected_sha256):
            raise Unavailable(
                f"the {what} arrived damaged (SHA-256 differs): try again", retry_after_s=1.0
            )
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return received
