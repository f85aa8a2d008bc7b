"""GET /project/{project}/model/{job}/{file}: a reconstruction's model files (the GLB for
the 3D view, PLY and OBJ to download), and GET /calibration-mat/{a4|letter}: the printable
mat. Both are streamed from the reconstruction service with the logged-in person's token,
so the browser never holds a token and the UI never reads the service's files.

A model file is served only for a job the project has recorded (project_jobs), so a URL
cannot be bent to another project's model.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from fastapi import HTTPException, Request
from fastapi.responses import StreamingResponse
from nicegui import app

from services import errors
from ui.file_routes import ID, http_error, stream_artifact
from ui.reconstruction_client import PAPERS
from ui.session import current_session

if TYPE_CHECKING:
    from ui.context import UiContext

log = logging.getLogger(__name__)

#: The model's files (GetModelResponse.files) a browser may ask for.
FILES = ("model.glb", "model.ply", "model.obj")


def model_url(project_id: str, job_id: str, name: str, query: str = "") -> str:
    return f"/project/{project_id}/model/{job_id}/{name}" + (f"?{query}" if query else "")


def mat_url(paper: str) -> str:
    return f"/calibration-mat/{paper}"


def register(ctx: UiContext) -> None:
    @app.get("/project/{project_id}/model/{job_id}/{name}", include_in_schema=False)
    async def model_file(
        project_id: str, job_id: str, name: str, request: Request
    ) -> StreamingResponse:
        if name not in FILES or not ID.match(project_id) or not ID.match(job_id):
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
            raise http_error(exc) from exc
        inline = name.endswith(".glb") and "download" not in request.query_params
        return stream_artifact(info, body, name, inline=inline)

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
            raise http_error(exc) from exc
        return stream_artifact(info, body, f"calibration-mat-{paper}.pdf", inline=False)
