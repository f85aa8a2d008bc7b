"""/project/{id}: details and status, active capture, upload, and the live photo grid."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi.responses import Response
from nicegui import background_tasks, ui

from services.errors import NotFound, StitchError
from services.runtime.tokens import PHOTOS_UPLOAD, PHOTOS_WRITE
from stitchsketch.v1 import capture_pb2
from ui.components import tag
from ui.components.choice import ChoiceButtons
from ui.components.frame import frame
from ui.components.mat_print import mat_print
from ui.components.notice import show_error
from ui.components.photo_grid import PhotoGrid
from ui.components.photo_upload import PhotoUpload
from ui.components.project_dialog import project_dialog
from ui.components.status import PIECE_ICONS, status_chip
from ui.session import Session, page_session
from ui.store import STATUSES, Project

if TYPE_CHECKING:
    from ui.context import UiContext

_ADDED = capture_pb2.PHOTO_EVENT_TYPE_ADDED
_DELETED = capture_pb2.PHOTO_EVENT_TYPE_DELETED


def register(ctx: UiContext) -> None:
    @ui.page("/project/{project_id}")
    async def project_page(project_id: str) -> Response | None:
        session = await page_session(ctx, f"/project/{project_id}")
        if not isinstance(session, Session):
            return session
        try:
            project = await ctx.db(ctx.store.projects.get, project_id)
        except NotFound:
            async with frame(ctx, session, "No such project", back="/"):
                ui.label(f"There is no project {project_id}.").classes("text-xl")
            return None
        shop = await ctx.db(ctx.store.shop.get)
        async with frame(ctx, session, project.customer, back="/"):
            view = ProjectView(ctx, session, project, metric=shop.units == "metric")
        await ui.context.client.connected()
        await view.start()
        return None


class ProjectView:
    def __init__(self, ctx: UiContext, session: Session, project: Project, *, metric: bool):
        self._ctx = ctx
        self._session = session
        self.project = project
        with ui.row().classes("w-full gap-4 items-stretch"):
            with ui.card().classes("ss-card p-5 gap-3 grow").style("flex-basis: 420px"):
                self.details = ui.column().classes("w-full gap-2")
                self._draw_details()
            if session.can(PHOTOS_UPLOAD):
                with ui.card().classes("ss-card p-5 gap-3 grow").style("flex-basis: 420px"):
                    ui.label("Photos in").classes("text-sm uppercase tracking-wider text-slate-500")
                    self.capture_box = ui.column().classes("w-full gap-2")
                    PhotoUpload(ctx, session, project.id, on_stored=self._stored)
                    # Printed before the shoot: the mat gives the model its true size.
                    mat_print(metric=metric, compact=True)
        with ui.card().classes("ss-card p-5 w-full"):
            self.grid = PhotoGrid(on_delete=self._delete if session.can(PHOTOS_WRITE) else None)
        self._shown_active: str | None = None
        if session.can(PHOTOS_UPLOAD):
            # Follows the feed's notion of the active project (any kiosk may change it).
            self._draw_capture_box()
            ui.timer(0.5, self._draw_capture_box)

    async def start(self) -> None:
        """Subscribe first, then list: an event racing the list only duplicates, never drops."""
        feed = self._ctx.feed
        unsubscribe = feed.subscribe(self.project.id, self._on_event)
        ui.context.client.on_delete(unsubscribe)
        await self._reload()

    # --- details ------------------------------------------------------------------

    def _draw_details(self) -> None:
        p = self.project
        self.details.clear()
        with self.details:
            with ui.row().classes("w-full items-center gap-2 no-wrap"):
                ui.icon(PIECE_ICONS.get(p.piece_type, "category"), size="lg", color="primary")
                with ui.column().classes("gap-0 grow min-w-0"):
                    tag(
                        ui.label(p.customer).classes("text-2xl font-semibold truncate"),
                        "project-customer",
                    )
                    ui.label(p.piece_type.capitalize()).classes("text-lg text-slate-700")
                if not self._session.read_only:
                    tag(
                        ui.button("Edit", icon="edit", on_click=self._edit).props(
                            "outline no-caps size=lg"
                        ),
                        "edit-project",
                    )
            with ui.row().classes("w-full gap-2"):
                tag(
                    ui.button(
                        "3D model",
                        icon="view_in_ar",
                        on_click=lambda: ui.navigate.to(f"/project/{p.id}/model"),
                    ).props("unelevated size=lg no-caps color=primary"),
                    "open-model",
                )
                tag(
                    ui.button(
                        "Patterns & yardage",
                        icon="content_cut",
                        on_click=lambda: ui.navigate.to(f"/project/{p.id}/patterns"),
                    ).props("unelevated size=lg no-caps color=primary"),
                    "open-patterns",
                )
            if p.contact:
                with ui.row().classes("items-center gap-2"):
                    ui.icon("call", color="grey-7")
                    ui.label(p.contact).classes("text-lg")
            if p.notes:
                ui.label(p.notes).classes("text-slate-700 whitespace-pre-wrap")
            ui.label("Status").classes("text-sm uppercase tracking-wider text-slate-500 pt-2")
            if self._session.read_only:
                tag(status_chip(p.status), "project-status")
            else:
                ChoiceButtons(
                    {s: s.capitalize() for s in STATUSES},
                    p.status,
                    on_change=self._set_status,
                    prefix="set-status",
                    color="secondary",
                )

    async def _set_status(self, status: str) -> None:
        await self._update(status=status)
        ui.notify(f"Status: {status}", type="positive", position="bottom")

    async def _update(self, **fields) -> None:
        try:
            self.project = await self._ctx.db(
                self._ctx.store.projects.update, self.project.id, **fields
            )
        except StitchError as exc:
            show_error(exc)
        self._draw_details()

    async def _edit(self) -> None:
        fields = await project_dialog(self.project)
        if fields is not None:
            await self._update(**fields)

    # --- active capture -----------------------------------------------------------

    def _draw_capture_box(self) -> None:
        active = self._ctx.feed.active_project
        if not self._ctx.feed.live:
            active = "?"
        if active == self._shown_active:
            return
        self._shown_active = active
        self.capture_box.clear()
        with self.capture_box:
            if active == "?":
                ui.label("Cameras: waiting for the capture service…").classes("text-lg")
            elif active == self.project.id:
                with ui.row().classes("items-center gap-2"):
                    ui.icon("fiber_manual_record", color="negative", size="md")
                    tag(
                        ui.label("Capturing: paired cameras send their photos here").classes(
                            "text-lg font-medium"
                        ),
                        "capture-state",
                    )
                tag(
                    ui.button(
                        "Stop capture", icon="stop", on_click=lambda: self._capture("")
                    ).props("unelevated size=lg no-caps color=negative"),
                    "stop-capture",
                )
            else:
                text = (
                    "Paired cameras are idle."
                    if not active
                    else f"Paired cameras send to another project ({active})."
                )
                tag(ui.label(text).classes("text-lg"), "capture-state")
                tag(
                    ui.button(
                        "Start capture here",
                        icon="play_arrow",
                        on_click=lambda: self._capture(self.project.id),
                    ).props("unelevated size=lg no-caps color=positive"),
                    "start-capture",
                )

    async def _capture(self, project_id: str) -> None:
        try:
            active = await self._ctx.capture.set_active_capture(self._session.token(), project_id)
        except StitchError as exc:
            show_error(exc)
            return
        self._ctx.feed.active_project = active
        if active == self.project.id and self.project.status == "new":
            await self._update(status="capturing")
        self._draw_capture_box()

    # --- photos -------------------------------------------------------------------

    async def _reload(self) -> None:
        try:
            photos = await self._ctx.capture.list_photos(self._session.token(), self.project.id)
        except StitchError as exc:
            self.grid.show_message(
                f"Photos cannot be shown now: {exc.message}. They will "
                "appear when the capture service is back."
            )
            return
        self.grid.show_message("")
        self.grid.set_photos(photos)

    def _on_event(self, event: capture_pb2.PhotoEvent | None) -> None:
        if event is None:  # the feed reconnected: events may have been missed
            background_tasks.create(self._reload(), name="reload photos")
        elif event.type == _ADDED:
            self.grid.add_photo(event.photo)
        elif event.type == _DELETED:
            self.grid.remove_photo(event.photo.id)

    def _stored(self, photo: capture_pb2.Photo) -> None:
        self.grid.add_photo(photo)

    async def _delete(self, photo: capture_pb2.Photo) -> bool:
        try:
            await self._ctx.capture.delete_photo(self._session.token(), photo.project_id, photo.id)
        except NotFound:
            pass  # gone already: same outcome
        except StitchError as exc:
            show_error(exc)
            return False
        self.grid.remove_photo(photo.id)
        ui.notify(f"Deleted {photo.filename}", position="bottom")
        return True
