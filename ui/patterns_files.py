"""GET /project/{project}/patterns/{job}/{file}: the panel-coloured model for the 3D view
and the exports (SVG, DXF, tiled PDF, marker PDF, quote PDF), streamed from the patterns
service with the logged-in person's token, so the browser never holds a token and the UI
never reads the service's files.

The fabric of a marker or quote travels in the query string (`ui.fabric.FabricInputs`).
"""

from __future__ import annotations

import json
import logging
import struct
from typing import TYPE_CHECKING

from fastapi import HTTPException, Request
from fastapi.responses import StreamingResponse
from nicegui import app

from services import errors
from stitchsketch.v1 import common_pb2, patterns_pb2
from ui.fabric import FabricInputs
from ui.file_routes import ID, http_error, stream_artifact
from ui.patterns_client import EXPORT_FORMATS
from ui.session import current_session

if TYPE_CHECKING:
    from ui.context import UiContext

log = logging.getLogger(__name__)

#: File name in the URL → export format key (ui.patterns_client.EXPORT_FORMATS).
FILES = {
    "panels.glb": "glb",
    "pieces.svg": "svg",
    "pieces.dxf": "dxf",
    "pieces.pdf": "tiled",
    "marker.pdf": "marker",
    "quote.pdf": "quote",
    "patterns.json": "json",
}
_NEEDS_FABRIC = ("marker", "quote", "json")
PAPERS = ("letter", "a4")


def file_url(project_id: str, job_id: str, name: str, query: str = "") -> str:
    return f"/project/{project_id}/patterns/{job_id}/{name}" + (f"?{query}" if query else "")


def unit_of(units: str) -> int:
    return common_pb2.LENGTH_UNIT_METRIC if units == "metric" else common_pb2.LENGTH_UNIT_IMPERIAL


def register(ctx: UiContext) -> None:
    @app.get("/project/{project_id}/patterns/{job_id}/{name}", include_in_schema=False)
    async def pattern_file(
        project_id: str, job_id: str, name: str, request: Request
    ) -> StreamingResponse:
        if name not in FILES or not ID.match(project_id) or not ID.match(job_id):
            raise HTTPException(404, "no such file")
        session = await current_session(ctx)
        if session is None:
            raise HTTPException(401, "log in first")
        try:
            job = await ctx.db(ctx.store.jobs.get, "patterns", job_id)
            if job.project_id != project_id:
                raise errors.NotFound(f"project {project_id} has no patterns job {job_id}")
            project = await ctx.db(ctx.store.projects.get, project_id)
            shop = await ctx.db(ctx.store.shop.get)
            fmt = FILES[name]
            paper = request.query_params.get("paper", "")
            if paper and paper not in PAPERS:
                raise errors.InvalidArgument("paper must be letter or a4", field="paper")
            export = patterns_pb2.ExportPatternsRequest(
                job_id=job_id,
                format=EXPORT_FORMATS[fmt],
                unit=unit_of(shop.units),
                paper=paper,
                project_name=project.title,
            )
            if fmt in _NEEDS_FABRIC:
                fabric = FabricInputs.from_query(request.query_params)
                export.fabric.CopyFrom(fabric.spec())
                export.labour = fabric.labour
            info, body = await ctx.patterns.export(session.token(), export)
        except errors.StitchError as exc:
            raise http_error(exc) from exc
        return stream_artifact(info, body, name, inline=fmt == "glb")


Bounds = tuple[tuple[float, float, float], tuple[float, float, float]]


def glb_bounds(data: bytes) -> Bounds | None:
    """The model's box in our frame (metres, Z up) from a GLB's JSON chunk, or None.

    glTF is Y up with the front facing +Z: a glTF point (X, Y, Z) is (X, -Z, Y) here.
    Only the JSON chunk is read (POSITION accessors carry min/max), so a prefix is enough.
    """
    if len(data) < 20 or struct.unpack_from("<I", data, 0)[0] != 0x46546C67:
        return None
    size, kind = struct.unpack_from("<II", data, 12)
    if kind != 0x4E4F534A or len(data) < 20 + size:
        return None
    try:
        doc = json.loads(data[20 : 20 + size])
        boxes = [
            (
                doc["accessors"][p["attributes"]["POSITION"]]["min"],
                doc["accessors"][p["attributes"]["POSITION"]]["max"],
            )
            for m in doc.get("meshes", [])
            for p in m.get("primitives", [])
        ]
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    if not boxes:
        return None
    lo = [min(b[0][i] for b in boxes) for i in range(3)]
    hi = [max(b[1][i] for b in boxes) for i in range(3)]
    return (lo[0], -hi[2], lo[1]), (hi[0], -lo[2], hi[1])
