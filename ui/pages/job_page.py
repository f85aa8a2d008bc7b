"""The frame every per-project job page shares (3D model, patterns): log-in check,
the project looked up (a readable page when it is gone), the shop's units, then the
page's view built inside the frame and started once the browser is connected."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from fastapi.responses import Response
from nicegui import ui

from services.errors import NotFound
from ui.components.frame import frame
from ui.session import Session, page_session
from ui.units import Units

if TYPE_CHECKING:
    from ui.context import UiContext
    from ui.store import Project


class JobView(Protocol):
    def __init__(self, ctx: UiContext, session: Session, project: Project, units: Units): ...

    async def start(self, wanted: str) -> None: ...


async def serve_job_page(
    ctx: UiContext, project_id: str, job: str, path: str, title: str, view: type[JobView]
) -> Response | None:
    """Serve `/project/{project_id}/{path}` with `view` under the title `title · customer`."""
    session = await page_session(ctx, f"/project/{project_id}/{path}")
    if not isinstance(session, Session):
        return session
    try:
        project = await ctx.db(ctx.store.projects.get, project_id)
    except NotFound:
        async with frame(ctx, session, "No such project", back="/"):
            ui.label(f"There is no project {project_id}.").classes("text-xl")
        return None
    shop = await ctx.db(ctx.store.shop.get)
    async with frame(ctx, session, f"{title} · {project.customer}", back=f"/project/{project_id}"):
        page = view(ctx, session, project, Units(shop.units))
    await ui.context.client.connected()
    await page.start(job)
    return None
