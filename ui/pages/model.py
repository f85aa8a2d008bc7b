"""/project/{id}/model: build the 3D model from the project's photos, follow the job, then
look at the model (touch rotate and zoom, Turn/Front buttons for gloves), its size in the
shop's units, the photos to retake; size an unscaled model from a known length, crop it
to the piece, print the calibration mat.

The project remembers its reconstruction jobs (store.jobs, service "reconstruction"), so
the page opens the latest again after a reload, and follows a running job through a
restart of the service (JobProgress reconnects to WatchJob).
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from fastapi.responses import Response
from nicegui import ui

from services.errors import NotFound, StitchError, Unavailable
from services.runtime.tokens import JOBS_RUN
from stitchsketch.v1 import common_pb2
from ui.components import tag
from ui.components.choice import ChoiceButtons
from ui.components.job_progress import JobProgress
from ui.components.model_result import ModelResult, model_bounds
from ui.components.model_start import QUALITY_WORDS, ModelStart
from ui.components.notice import show_error
from ui.pages.job_page import serve_job_page
from ui.session import Session
from ui.store import Project, ProjectJob
from ui.units import Units

if TYPE_CHECKING:
    from ui.context import UiContext

log = logging.getLogger(__name__)

#: The service's stages in shop words.
STAGES = {
    "fetch_photos": "Collecting the photos",
    "prepare_images": "Preparing the photos",
    "extract_features": "Finding details in each photo",
    "match_features": "Matching the photos to each other",
    "map_sparse": "Working out where each photo was taken",
    "scale_orient": "Measuring with the mat",
    "isolate": "Finding the piece",
    "dense_depth": "Measuring depth in every photo",
    "fuse": "Merging the depths",
    "mesh": "Building the surface",
    "texture": "Colouring the surface",
    "export": "Saving the model",
}
#: Statuses a project leaves for "modelling" when a reconstruction starts.
_BEFORE_MODELLING = ("new", "capturing")
#: COLMAP's log prefix ("I20260302 10:00:00.123456 1234 file.cc:90] "): noise on screen.
_GLOG = re.compile(r"^[IWEF]\d{8} [\d:.]+ +\d+ [\w.]+:\d+\] ")
#: Log lines that say nothing to a person.
_QUIET = {"running", "failed", "succeeded", "cancelled", "queued"}


def shop_log_line(line: str) -> str:
    """A job log line fit to show: COLMAP's prefix dropped, bare state words hidden."""
    line = _GLOG.sub("", line.strip())
    return "" if line.lower() in _QUIET else line


def register(ctx: UiContext) -> None:
    @ui.page("/project/{project_id}/model")
    async def model_page(project_id: str, job: str = "") -> Response | None:
        return await serve_job_page(ctx, project_id, job, "model", "3D model", ModelView)


class ModelView:
    def __init__(self, ctx: UiContext, session: Session, project: Project, units: Units):
        self._ctx = ctx
        self._session = session
        self.project = project
        self.units = units
        self.can_run = session.can(JOBS_RUN)
        self.job_id = ""
        self.runs: list[ProjectJob] = []
        with ui.row().classes("w-full items-center gap-2") as self.top:
            self.run_box = tag(ui.row().classes("items-center gap-2 grow"), "runs")
            if self.can_run:
                self.again = tag(ui.button("Build again", icon="refresh",
                                           on_click=lambda: self._show_start(True))
                                 .props("outline size=lg no-caps color=primary"), "build-again")
                self.again.set_visibility(False)
        self.notice = tag(ui.card().classes(
            "ss-card w-full p-4 bg-amber-50 border border-amber-300"), "model-notice")
        self.notice.set_visibility(False)
        with ui.card().classes("ss-card w-full p-5") as self.start_box:
            self.starter = ModelStart(project.id, can_run=self.can_run,
                                      metric=units.metric, on_start=self._start)
        self.start_box.set_visibility(False)
        self.job_box = tag(ui.card().classes("ss-card w-full p-4"), "job-box")
        self.job_box.set_visibility(False)
        self.results = tag(ui.column().classes("w-full gap-3"), "results")
        self.top.set_visibility(False)

    async def start(self, wanted: str) -> None:
        self.runs = await self._ctx.db(self._ctx.store.jobs.list, self.project.id,
                                       "reconstruction")
        ids = [r.job_id for r in self.runs]
        if ids:
            await self.open_job(wanted if wanted in ids else ids[0])
        else:
            self._draw_runs()
            await self._show_start(False)

    # --- starting ---------------------------------------------------------------------

    async def _show_start(self, again: bool) -> None:
        """The start panel, with the photos counted now (they may have changed)."""
        self.start_box.set_visibility(True)
        if again:
            self.again.set_visibility(False)
        try:
            photos = await self._ctx.capture.list_photos(self._session.token(), self.project.id)
        except StitchError as exc:
            self.starter.set_photos(None, exc.message)
            return
        self.starter.set_photos(photos)

    async def _start(self, quality: str) -> None:
        self._notice("")
        try:
            job = await self._ctx.reconstruction.submit(
                self._session.token(), self.project.id, quality, mat_layout=self._ctx.mat_layout)
        except StitchError as exc:
            self._notice(f"The model was not started: {exc.message}")
            return
        label = f"{self.starter.usable} photos · {QUALITY_WORDS[quality].lower()}"
        await self._record(job, label)

    async def _record(self, job: common_pb2.Job, label: str) -> None:
        """Remember the job with the project (before anything else can fail), then open it."""
        try:
            row = await self._ctx.db(self._ctx.store.jobs.add, self.project.id,
                                     "reconstruction", job.kind or "reconstruction", job.id,
                                     label)
        except StitchError as exc:
            show_error(exc)
            return
        self.runs.insert(0, row)
        if self.project.status in _BEFORE_MODELLING:
            try:
                self.project = await self._ctx.db(self._ctx.store.projects.update,
                                                  self.project.id, status="modelling")
            except StitchError as exc:
                log.warning("project %s keeps its status: %s", self.project.id, exc.message)
        await self.open_job(job.id)

    def _notice(self, text: str, icon: str = "error") -> None:
        """A message that stays on the page (a refusal, a failed run)."""
        self.notice.clear()
        self.notice.set_visibility(bool(text))
        if text:
            with self.notice, ui.row().classes("w-full items-start gap-3 no-wrap"):
                ui.icon(icon, size="lg", color="negative" if icon == "error" else "grey-8")
                tag(ui.label(text).classes("text-xl"), "model-message")

    # --- runs and their jobs ----------------------------------------------------------

    def _draw_runs(self) -> None:
        self.run_box.clear()
        self.top.set_visibility(bool(self.runs))
        if len(self.runs) == 1:
            run = self.runs[0]
            with self.run_box:
                ui.icon("view_in_ar", color="grey-7", size="sm")
                tag(ui.label(f"{run.label or run.job_id} · "
                             f"{run.created_at.astimezone():%d %b %H:%M}")
                    .classes("text-lg text-slate-700"), "run-label")
            return
        if not self.runs:
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
        self._clear()
        token = self._session.token
        try:
            job = await self._ctx.reconstruction.get_job(token(), job_id)
        except Unavailable as exc:
            log.info("job %s not reachable now (%s): following it until it is", job_id,
                     exc.message)
            job = common_pb2.Job(id=job_id, state=common_pb2.JOB_STATE_QUEUED)
        except NotFound:
            await self._ctx.db(self._ctx.store.jobs.forget, "reconstruction", job_id)
            self.runs = [r for r in self.runs if r.job_id != job_id]
            self._draw_runs()
            self._notice("That model is no longer on the reconstruction service; build it "
                         "again.", "info")
            await self._show_start(False)
            return
        except StitchError as exc:
            self._notice(f"This run cannot be shown: {exc.message}")
            return
        if job.state in (common_pb2.JOB_STATE_QUEUED, common_pb2.JOB_STATE_RUNNING):
            self.job_box.set_visibility(True)
            with self.job_box:
                JobProgress(
                    watch=lambda: self._watch(job_id),
                    cancel=(lambda: self._ctx.reconstruction.cancel_job(token(), job_id))
                    if self.can_run else None,
                    on_end=self._ended,
                    stage_labels=STAGES,
                )
            return
        await self._ended(job)

    async def _watch(self, job_id: str) -> AsyncIterator[common_pb2.JobEvent]:
        events = self._ctx.reconstruction.watch_job(self._session.token(), job_id)
        async for event in events:
            lines = [clean for line in event.log_lines if (clean := shop_log_line(line))]
            yield common_pb2.JobEvent(job=event.job, log_lines=lines)

    def _clear(self) -> None:
        self._notice("")
        self.results.clear()
        self.job_box.clear()
        self.job_box.set_visibility(False)
        self.start_box.set_visibility(False)
        if self.can_run:
            self.again.set_visibility(False)

    async def _ended(self, job: common_pb2.Job) -> None:
        if job.id != self.job_id:
            return  # another run was opened meanwhile
        self.job_box.clear()
        self.job_box.set_visibility(False)
        if job.state == common_pb2.JOB_STATE_SUCCEEDED:
            await self._show_model(job.id)
            return
        if job.state == common_pb2.JOB_STATE_CANCELLED:
            self._notice("This run was cancelled. Start again when you are ready.", "cancel")
        else:
            self._notice(f"This run failed: {job.error or 'no reason given'}. Check the photos "
                         "(sharp, all around the piece, each overlapping the next) and try "
                         "again.")
        await self._show_start(False)

    # --- the finished model -------------------------------------------------------------

    async def _show_model(self, job_id: str) -> None:
        token = self._session.token
        try:
            model = await self._ctx.reconstruction.get_model(token(), job_id)
        except StitchError as exc:
            self._notice(f"The model cannot be shown: {exc.message}")
            return
        bounds = await model_bounds(self._ctx, token(), job_id)
        if job_id != self.job_id:
            return  # another run was opened meanwhile
        source = next((r for r in self.runs if r.job_id == job_id), None)
        self.results.clear()
        with self.results:
            ModelResult(self._ctx, token, self.project.id, job_id, model, bounds, self.units,
                        can_run=self.can_run, label=source.label if source else "",
                        on_new_job=self._record)
        if self.can_run:
            self.again.set_visibility(True)
