"""GET /project/{project}/model/{job}/{file}: a reconstruction's model files (the GLB for
the 3D view, PLY and OBJ to download), and GET /calibration-mat/{a4|letter}: the printable
mat. Both are streamed from the reconstruction service with the logged-in person's token,
so the browser never holds a token and the UI never reads the service's files.

A model file is served only for a job the project has recorded (project_jobs), so a URL
cannot be bent to another project's model.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING
from urllib.parse import quote

from fastapi import HTTPException, Request
from fastapi.responses import StreamingResponse
from nicegui import app

from services import errors
from stitchsketch.v1 import common_pb2
from ui.reconstruction_client import PAPERS
from ui.session import current_session

if TYPE_CHECKING:
    from ui.context import UiContext

log = logging.getLogger(__name__)

_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
#: The model's files (GetModelResponse.files) a browser may ask for.
FILES = ("model.glb", "model.ply", "model.obj")
_STATUS = {
    errors.NotFound: 404,
    errors.PermissionDenied: 403,
    errors.Unauthenticated: 401,
    errors.InvalidArgument: 400,
    errors.FailedPrecondition: 409,
    errors.Unavailable: 503,
}


def model_url(project_id: str, job_id: str, name: str, query: str = "") -> str:
    return f"/project/{project_id}/model/{job_id}/{name}" + (f"?{query}" if query else "")


def mat_url(paper: str) -> str:
    return f"/calibration-mat/{paper}"


def _http_error(exc: errors.StitchError) -> HTTPException:
    status = next((code for cls, code in _STATUS.items() if isinstance(exc, cls)), 502)
    return HTTPException(status, exc.message)


def _response(
    info: common_pb2.ArtifactInfo, body: AsyncIterator[bytes], name: str, *, inline: bool
) -> StreamingResponse:
    filename = info.name or name
    headers = {
        "Content-Disposition": f"{'inline' if inline else 'attachment'}; "
        f"filename*=UTF-8''{quote(filename)}",
        # Same URL, other bytes after a known length: the page adds ?v=N to the model.
        "Cache-Control": "private, no-cache",
    }
    if info.size_bytes:
        headers["Content-Length"] = str(info.size_bytes)
    return StreamingResponse(
        _logged(body, name),
        media_type=info.content_type or "application/octet-stream",
        headers=headers,
    )


def register(ctx: UiContext) -> None:
    @app.get("/project/{project_id}/model/{job_id}/{name}", include_in_schema=False)
    async def model_file(
        project_id: str, job_id: str, name: str, request: Request
    ) -> StreamingResponse:
        if name not in FILES or not _ID.match(project_id) or not _ID.match(job_id):
            raise HTTPException(404, "no such file")
        session = await current_session(ctx)
        if session is None:
            raise HTTPException(401, "log in first")
        try:
            job = await ctx.db(ctx.store.jobs.get, "reconstruction", job_id)
            if job.project_id != project_id:
                raise errors.NotFound(f"project {project_id} has no 3D model {job_id}")
            info, body = await ctx.reconstruction.download_model_file(session.token(), job_id, name)
        except errors.StitchError as exc:
            raise _http_error(exc) from exc
        inline = name.endswith(".glb") and "download" not in request.query_params
        return _response(info, body, name, inline=inline)

    @app.get("/calibration-mat/{paper}", include_in_schema=False)
    async def calibration_mat(paper: str) -> StreamingResponse:
        if paper not in PAPERS:
            raise HTTPException(404, "the mat comes in a4 or letter")
        session = await current_session(ctx)
        if session is None:
            raise HTTPException(401, "log in first")
        try:
            info, body = await ctx.reconstruction.calibration_mat(session.token(), paper)
        except errors.StitchError as exc:
            raise _http_error(exc) from exc
        return _response(info, body, f"calibration-mat-{paper}.pdf", inline=False)


async def _logged(body: AsyncIterator[bytes], name: str) -> AsyncIterator[bytes]:
    """The body; a failure half-way is logged (the headers are gone by then)."""
    try:
        async for data in body:
            yield data
    except errors.StitchError as exc:
        log.warning("download of %s broke off: %s", name, exc.message)
