"""/project/{id}/patterns: make patterns from the project's 3D model or an uploaded mesh,
follow the job, then fix the panels, look at the cut pieces, and lay them out on the
fabric for the yardage and the quote."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from fastapi.responses import Response
from nicegui import events, ui

from services.errors import StitchError
from services.runtime.tokens import JOBS_RUN
from stitchsketch.v1 import common_pb2, patterns_pb2
from ui.components import tag
from ui.components.choice import ChoiceButtons
from ui.components.job_progress import JobProgress
from ui.components.layout_view import LayoutView
from ui.components.notice import show_error
from ui.components.panel_editor import PanelEditor
from ui.components.pieces_view import PiecesView
from ui.pages.job_page import serve_job_page
from ui.panels_state import PanelsState
from ui.patterns_client import CHUNK_BYTES
from ui.patterns_files import Bounds, file_url, glb_bounds, unit_of
from ui.session import Session
from ui.store import Project, ProjectJob
from ui.units import Units

if TYPE_CHECKING:
    from ui.context import UiContext

log = logging.getLogger(__name__)

MESH_ACCEPT = ".ply,.obj,.glb"
MAX_MESH_MB = 256
STAGES = {
    "fetch": "Reading the model",
    "segment": "Finding the panels",
    "flatten": "Flattening the panels",
    "cut": "Drawing the cut pieces",
}
#: Statuses a project leaves for "patterns" when patterns are started.
_BEFORE_PATTERNS = ("new", "capturing", "modelling")


def register(ctx: UiContext) -> None:
    @ui.page("/project/{project_id}/patterns")
    async def patterns_page(project_id: str, job: str = "") -> Response | None:
        return await serve_job_page(ctx, project_id, job, "patterns", "Patterns", PatternsView)


class PatternsView:
    def __init__(self, ctx: UiContext, session: Session, project: Project, units: Units):
        self._ctx = ctx
        self._session = session
        self.project = project
        self.units = units
        self.can_run = session.can(JOBS_RUN)
        self.job_id = ""
        self.runs: list[ProjectJob] = []
        with ui.card().classes("ss-card w-full px-4 py-2 gap-1"):
            with ui.row().classes("w-full items-center gap-3 no-wrap"):
                ui.icon("view_in_ar", size="lg", color="primary")
                with ui.column().classes("gap-0 grow min-w-0"):
                    self.source = tag(ui.row().classes("w-full items-center gap-3"),
                                      "model-source")
                    self.upload_status = tag(ui.label().classes("text-slate-600"),
                                             "mesh-upload-status")
                    self.upload_status.set_visibility(False)
                if self.can_run:
                    self._uploader()
            self.run_box = tag(ui.row().classes("w-full items-center gap-2"), "runs")
        self.job_box = tag(ui.card().classes("ss-card w-full p-4"), "job-box")
        self.job_box.set_visibility(False)
        self.results = tag(ui.column().classes("w-full gap-3"), "results")

    async def start(self, wanted: str) -> None:
        self.runs = await self._ctx.db(self._ctx.store.jobs.list, self.project.id, "patterns")
        self._draw_source(await self._finished_model())
        ids = [r.job_id for r in self.runs]
        if ids:
            await self.open_job(wanted if wanted in ids else ids[0])
        else:
            self._draw_runs()
            with self.results:
                ui.label("No patterns yet for this project.").classes("text-xl text-slate-600")

    # --- where the model comes from -----------------------------------------------------

    async def _finished_model(self) -> ProjectJob | None:
        """The newest reconstruction run that finished: a failed, cancelled or running
        one has no model to cut. If the service cannot say, the newest run is offered
        and the service's answer explains any problem."""
        runs = await self._ctx.db(self._ctx.store.jobs.list, self.project.id, "reconstruction")
        for run in runs:
            try:
                job = await self._ctx.reconstruction.get_job(self._session.token(), run.job_id)
            except StitchError:
                return runs[0]
            if job.state == common_pb2.JOB_STATE_SUCCEEDED:
                return run
        return None

    def _draw_source(self, model: ProjectJob | None) -> None:
        self.source.clear()
        with self.source:
            if model is None:
                tag(ui.label("No 3D model yet: build it from the photos, or upload a mesh "
                             "(PLY, OBJ or GLB; metres, Z up).").classes("text-lg"),
                    "no-model")
                return
            when = model.created_at.astimezone().strftime("%d %b %H:%M")
            ui.label(f"3D model {model.label or model.job_id} ({when})").classes("text-lg")
            if self.can_run:
                tag(ui.button("Make patterns from the model", icon="content_cut",
                              on_click=lambda: self._from_model(model.job_id))
                    .props("unelevated size=lg no-caps color=primary"), "patterns-from-model")

    def _uploader(self) -> None:
        pick = tag(ui.button("Upload a mesh file", icon="upload_file").props(
            "outline size=lg no-caps color=primary"), "upload-mesh")
        self.mesh_input = tag(
            ui.upload(auto_upload=True, max_file_size=MAX_MESH_MB * 1024 * 1024,
                      on_upload=self._received, on_rejected=self._rejected)
            .props(f'accept="{MESH_ACCEPT}"').classes("hidden"),
            "mesh-input",
        )
        # Opening a file picker needs the tap itself, so it runs in the browser.
        pick.on("click",
                js_handler=f"() => getElement({self.mesh_input.id}).$refs.qRef.pickFiles()")

    def _rejected(self) -> None:
        ui.notify(f"Not sent: a mesh must be a .ply, .obj or .glb file of at most {MAX_MESH_MB} MB",
                  type="warning", position="bottom")

    def _status(self, text: str) -> None:
        self.upload_status.set_text(text)
        self.upload_status.set_visibility(bool(text))

    async def _received(self, e: events.UploadEventArguments) -> None:
        file = e.file
        self._status(f"Sending {file.name}…")
        try:
            uploaded = await self._ctx.patterns.upload_mesh(
                self._session.token(), project_id=self.project.id, filename=file.name,
                chunks=file.iterate(chunk_size=CHUNK_BYTES), size_bytes=file.size())
        except StitchError as exc:
            self._status(f"{file.name}: {exc.message}")
            return
        finally:
            e.sender.run_method("reset")
        d = uploaded.dimensions
        size = " × ".join(self.units.length(v) for v in (d.width_m, d.depth_m, d.height_m))
        note = f"{file.name}: {uploaded.triangles:,} triangles, {size}"
        self._status(" · ".join([note, *uploaded.warnings]))
        await self._submit(f"from {file.name}", mesh_id=uploaded.mesh_id)

    async def _from_model(self, reconstruction_job_id: str) -> None:
        await self._submit("from the 3D model", reconstruction_job_id=reconstruction_job_id)

    async def _submit(self, label: str, **source: str) -> None:
        try:
            job = await self._ctx.patterns.submit(
                self._session.token(), self.project.id, project_name=self.project.title,
                unit=unit_of(self.units.system), **source)
            row = await self._ctx.db(self._ctx.store.jobs.add, self.project.id, "patterns",
                                     job.kind or "patterns", job.id, label)
        except StitchError as exc:
            show_error(exc)
            return
        self.runs.insert(0, row)
        if self.project.status in _BEFORE_PATTERNS:
            try:
                self.project = await self._ctx.db(self._ctx.store.projects.update,
                                                  self.project.id, status="patterns")
            except StitchError as exc:
                log.warning("project %s keeps its status: %s", self.project.id, exc.message)
        await self.open_job(job.id)

    # --- runs and their jobs ---------------------------------------------------------

    def _draw_runs(self) -> None:
        self.run_box.clear()
        if len(self.runs) < 2:
            return
        with self.run_box:
            ui.label("Runs").classes("text-sm uppercase tracking-wider text-slate-500")
            options = {
                r.job_id: f"{r.label or r.job_id} · {r.created_at.astimezone():%d %b %H:%M}"
                for r in self.runs[:6]
            }
            ChoiceButtons(options, self.job_id, on_change=self.open_job, prefix="run",
                          color="secondary")

    async def open_job(self, job_id: str) -> None:
        self.job_id = job_id
        self._draw_runs()
        self.results.clear()
        self.job_box.clear()
        self.job_box.set_visibility(False)
        token = self._session.token
        try:
            job = await self._ctx.patterns.get_job(token(), job_id)
        except StitchError as exc:
            self._message("error", f"This run cannot be shown: {exc.message}")
            return
        if job.state in (common_pb2.JOB_STATE_QUEUED, common_pb2.JOB_STATE_RUNNING):
            self.job_box.set_visibility(True)
            with self.job_box:
                JobProgress(
                    watch=lambda: self._ctx.patterns.watch_job(token(), job_id),
                    cancel=(lambda: self._ctx.patterns.cancel_job(token(), job_id))
                    if self.can_run else None,
                    on_end=self._ended,
                    stage_labels=STAGES,
                )
            return
        await self._ended(job)

    async def _ended(self, job: common_pb2.Job) -> None:
        if job.id != self.job_id:
            return  # another run was opened meanwhile
        self.job_box.clear()
        self.job_box.set_visibility(False)
        if job.state == common_pb2.JOB_STATE_SUCCEEDED:
            await self._show_results(job.id)
        elif job.state == common_pb2.JOB_STATE_CANCELLED:
            self._message("cancel", "This run was cancelled. Start again from the model or a file.")
        else:
            self._message("error", f"This run failed: {job.error or 'no reason given'}. Check "
                          "the model (metres, Z up, closed where it is upholstered) and try again.")

    def _message(self, icon: str, text: str) -> None:
        self.results.clear()
        with self.results, ui.row().classes("items-center gap-3"):
            ui.icon(icon, size="lg", color="negative" if icon == "error" else "grey-7")
            tag(ui.label(text).classes("text-xl"), "job-message")

    # --- results ----------------------------------------------------------------------

    async def _show_results(self, job_id: str) -> None:
        state = PanelsState(self._ctx, self._session, job_id)
        try:
            await state.load()
        except StitchError as exc:
            self._message("error", f"The panels cannot be shown: {exc.message}")
            return
        pid = self.project.id

        def url(name: str, query: str = "") -> str:
            return file_url(pid, job_id, name, query)

        self.results.clear()
        with self.results:
            with ui.tabs().props("align=left inline-label").classes(
                "text-lg bg-white rounded-xl") as tabs:
                tag(ui.tab("panels", "Panels", icon="view_in_ar"), "tab-panels")
                tag(ui.tab("pieces", "Pieces", icon="content_cut"), "tab-pieces")
                if self.can_run:
                    tag(ui.tab("layout", "Fabric & layout", icon="straighten"), "tab-layout")
            with ui.tab_panels(tabs, value="panels").classes("w-full bg-transparent"):
                with ui.tab_panel("panels").classes("p-0"):
                    editor = PanelEditor(state, self.units, editable=self.can_run)
                with ui.tab_panel("pieces").classes("p-0"):
                    PiecesView(self._ctx, self._session, state, self.units).refresh()
                layout = None
                if self.can_run:
                    with ui.tab_panel("layout").classes("p-0"):
                        layout = LayoutView(self._ctx, self._session, state, self.units, url)
        editor.refresh()
        if layout is not None:
            tabs.on_value_change(lambda e: layout.shown() if e.value == "layout"
                                 else setattr(layout, "visible_tab", False))
        if not self.can_run:
            return  # viewers: no model (see PanelEditor)
        bounds = await self._model_bounds(job_id)

        def load_model(geometry: bool = True) -> None:
            if geometry:
                editor.scene.load(
                    url("panels.glb", f"rev={state.revision}"), bounds,
                    [p.id for p in state.panels], selected=editor.selected,
                    excluded=[p.id for p in state.panels if p.excluded])

        load_model()
        state.listen(load_model)

    async def _model_bounds(self, job_id: str) -> Bounds | None:
        """The model's box, from the JSON header at the start of its GLB."""
        request = patterns_pb2.ExportPatternsRequest(
            job_id=job_id, format=patterns_pb2.PATTERN_FORMAT_GLB_PANELS)
        bounds, head = None, b""
        try:
            _, body = await self._ctx.patterns.export(self._session.token(), request)
            # NOTE: read to the end rather than cancel: a server stream cancelled half-way
            # makes the service runtime log an error (see the report on interceptors.py).
            async for part in body:
                if bounds is None:
                    head += part
                    bounds = glb_bounds(head)
        except StitchError as exc:
            log.warning("no bounds for job %s: %s", job_id, exc.message)
        return bounds
