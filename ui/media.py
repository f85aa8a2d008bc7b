"""GET /media/{project}/{photo}/{thumb|full}: photo bytes for <img> tags.

Streamed from capture's GetPhoto with the logged-in person's token, so the browser
never needs a token and the UI never reads capture's files (each process owns its data).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from fastapi import HTTPException
from fastapi.responses import StreamingResponse
from nicegui import app

from services import errors
from ui.file_routes import ID, http_error
from ui.session import current_session

if TYPE_CHECKING:
    from ui.context import UiContext

_PHOTO_ID = re.compile(r"^[0-9a-f]{8,64}$")


def register(ctx: UiContext) -> None:
    @app.get("/media/{project_id}/{photo_id}/{variant}", include_in_schema=False)
    async def photo_media(project_id: str, photo_id: str, variant: str) -> StreamingResponse:
        if (
            variant not in ("thumb", "full")
            or not ID.match(project_id)
            or not _PHOTO_ID.match(photo_id)
        ):
            raise HTTPException(404, "no such photo")
        session = await current_session(ctx)
        if session is None:
            raise HTTPException(401, "log in first")
        try:
            info, body = await ctx.capture.get_photo(
                session.token(), project_id, photo_id, thumbnail=variant == "thumb"
            )
        except errors.StitchError as exc:
            raise http_error(exc) from exc
        return StreamingResponse(
            body,
            media_type=info.content_type or "image/jpeg",
            # Photo ids are content hashes: the bytes behind a URL never change.
            headers={"Cache-Control": "private, max-age=86400, immutable"},
        )
