"""What the UI's file routes share: streaming a service's artifact to the browser with
the right headers, and turning a domain error into the HTTP status a browser expects.

The routes themselves (ui/media.py, ui/model_files.py, ui/patterns_files.py) only check
the request and ask their service; the bytes never touch the UI's disk.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from urllib.parse import quote

from fastapi import HTTPException
from fastapi.responses import StreamingResponse

from services import errors
from stitchsketch.v1 import common_pb2

log = logging.getLogger(__name__)

#: Project and job ids as the UI makes them.
ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

_STATUS = {
    errors.NotFound: 404,
    errors.PermissionDenied: 403,
    errors.Unauthenticated: 401,
    errors.InvalidArgument: 400,
    errors.FailedPrecondition: 409,
    errors.Unavailable: 503,
}


def http_error(exc: errors.StitchError) -> HTTPException:
    """The HTTP status for a domain error, keeping its message."""
    status = next((code for cls, code in _STATUS.items() if isinstance(exc, cls)), 502)
    return HTTPException(status, exc.message)


def stream_artifact(
    info: common_pb2.ArtifactInfo,
    body: AsyncIterator[bytes],
    name: str,
    *,
    inline: bool,
    cache: str = "private, no-cache",
) -> StreamingResponse:
    """A streamed download (`inline` for what the page shows itself, e.g. a GLB)."""
    filename = info.name or name
    headers = {
        "Content-Disposition": f"{'inline' if inline else 'attachment'}; "
        f"filename*=UTF-8''{quote(filename)}",
        "Cache-Control": cache,
    }
    if info.size_bytes:
        headers["Content-Length"] = str(info.size_bytes)
    return StreamingResponse(
        _logged(body, filename),
        media_type=info.content_type or "application/octet-stream",
        headers=headers,
    )


async def _logged(body: AsyncIterator[bytes], name: str) -> AsyncIterator[bytes]:
    """The body; a failure half-way is logged (the headers are gone by then)."""
    try:
        async for data in body:
            yield data
    except errors.StitchError as exc:
        log.warning("download of %s broke off: %s", name, exc.message)
