"""/ : the projects list, with status filter chips, search and "New project"."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from fastapi.responses import Response
from nicegui import ui

from services.errors import StitchError
from ui.components import tag
from ui.components.frame import frame
from ui.components.notice import show_error
from ui.components.project_dialog import project_dialog
from ui.components.status import PIECE_ICONS, STATUS_COLORS, status_chip
from ui.session import Session, page_session
from ui.store import STATUSES, Project

if TYPE_CHECKING:
    from ui.context import UiContext


def register(ctx: UiContext) -> None:
    @ui.page("/")
    async def projects_page() -> Response | None:
        session = await page_session(ctx, "/")
        if not isinstance(session, Session):
            return session
        async with frame(ctx, session, "Projects"):
            view = ProjectsView(ctx, session)
            await view.load()
        return None


class ProjectsView:
    def __init__(self, ctx: UiContext, session: Session):
        self._ctx = ctx
        self._session = session
        self.status: str | None = None
        self.search = ""
        with ui.row().classes("w-full items-center gap-3"):
            self.search_input = tag(
                ui.input(placeholder="Search customer, contact, notes…", on_change=self._searched)
                .props("outlined clearable debounce=300 bg-color=white")
                .classes("grow text-lg"),
                "search",
            )
            with self.search_input.add_slot("prepend"):
                ui.icon("search")
            if not session.read_only:
                tag(
                    ui.button("New project", icon="add", on_click=self._new).props(
                        "unelevated size=lg no-caps color=primary"
                    ),
                    "new-project",
                )
        self.chips = ui.row().classes("gap-2 flex-wrap")
        self.list = tag(
            ui.element("div")
            .classes("grid gap-3 w-full")
            .style("grid-template-columns: repeat(auto-fill, minmax(300px, 1fr))"),
            "project-list",
        )

    async def load(self) -> None:
        projects = await self._ctx.db(
            self._ctx.store.projects.list, search=self.search, status=self.status
        )
        counts = await self._ctx.db(self._ctx.store.projects.counts_by_status)
        self._draw_chips(counts)
        self.list.clear()
        with self.list:
            if not projects:
                ui.label(
                    "No projects match."
                    if (self.search or self.status)
                    else "No projects yet. Tap “New project” to start one."
                ).classes("text-xl text-slate-600 p-4")
            for project in projects:
                self._card(project)

    def _draw_chips(self, counts: dict[str, int]) -> None:
        self.chips.clear()
        with self.chips:
            self._chip("All", None, sum(counts.values()), "primary")
            for status in STATUSES:
                self._chip(
                    status.capitalize(), status, counts.get(status, 0), STATUS_COLORS[status]
                )

    def _chip(self, label: str, status: str | None, count: int, color: str) -> None:
        selected = status == self.status
        chip = ui.chip(f"{label} {count}", on_click=lambda s=status: self._filter(s))
        chip.props(
            f"clickable color={color} text-color=white"
            if selected
            else "clickable outline color=grey-8"
        )
        tag(chip, f"filter-{(status or 'all').replace(' ', '-')}")

    def _card(self, project: Project) -> None:
        card = ui.card().classes("ss-card ss-tap gap-1 p-4")
        card.on("click", lambda p=project: ui.navigate.to(f"/project/{p.id}"))
        tag(card, f"project-{project.id}")
        with card:
            with ui.row().classes("w-full items-center no-wrap gap-2"):
                ui.icon(PIECE_ICONS.get(project.piece_type, "category"), size="md", color="primary")
                ui.label(project.customer).classes("text-xl font-semibold truncate grow")
                live = ui.chip(
                    "Capturing", icon="fiber_manual_record", color="negative", text_color="white"
                ).props("dense square")
                live.bind_visibility_from(
                    self._ctx.feed,
                    "active_project",
                    backward=lambda active, pid=project.id: active == pid,
                )
            ui.label(project.piece_type.capitalize()).classes("text-slate-700")
            if project.contact:
                ui.label(project.contact).classes("text-slate-600 truncate")
            with ui.row().classes("w-full items-center justify-between pt-1"):
                status_chip(project.status)
                ui.label(_ago(project.updated_at)).classes("text-sm text-slate-500")

    async def _searched(self, e) -> None:
        self.search = e.value or ""
        await self.load()

    async def _filter(self, status: str | None) -> None:
        self.status = status
        await self.load()

    async def _new(self) -> None:
        fields = await project_dialog()
        if fields is None:
            return
        try:
            project = await self._ctx.db(self._ctx.store.projects.create, **fields)
        except StitchError as exc:
            show_error(exc)
            return
        ui.navigate.to(f"/project/{project.id}")


def _ago(when: datetime) -> str:
    seconds = (datetime.now(UTC) - when).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60:.0f} min ago"
    if seconds < 86400:
        return f"{seconds // 3600:.0f} h ago"
    return when.astimezone().strftime("%d %b %Y")
