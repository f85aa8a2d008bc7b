"""A job's progress from its watch stream: stage in words, a bar, %, time left, Cancel.

Generic over the job services (patterns, reconstruction, render): it takes a `watch`
that yields the job as it changes (a Job, or a JobEvent whose log lines it shows too) and
a `cancel`. When the service drops out, or ends the watch before the job ended (a restart),
it says so and follows the job again once the service is back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Mapping
from typing import Any

from nicegui import background_tasks, ui

from services.errors import NotFound, StitchError, Unavailable
from stitchsketch.v1 import common_pb2
from ui.components import tag
from ui.components.notice import show_error

log = logging.getLogger(__name__)

Job = common_pb2.Job
JobEvent = common_pb2.JobEvent
ENDED = (common_pb2.JOB_STATE_SUCCEEDED, common_pb2.JOB_STATE_FAILED,
         common_pb2.JOB_STATE_CANCELLED)
RETRY_S = 2.0


def eta_text(seconds: float) -> str:
    if seconds < 0:
        return ""
    if seconds < 60:
        return f"about {max(1, round(seconds))} s left"
    return f"about {round(seconds / 60)} min left"


class JobProgress(ui.column):
    def __init__(
        self,
        *,
        watch: Callable[[], AsyncIterator[Job | JobEvent]],
        cancel: Callable[[], Awaitable[Job]] | None,
        on_end: Callable[[Job], Coroutine[Any, Any, None] | None],
        stage_labels: Mapping[str, str] | None = None,
    ):
        super().__init__()
        self.classes("w-full gap-2")
        self._watch = watch
        self._cancel = cancel
        self._on_end = on_end
        self._labels = dict(stage_labels or {})
        with self:
            with ui.row().classes("w-full items-center gap-3 no-wrap"):
                ui.spinner(size="lg", color="primary")
                with ui.column().classes("gap-0 grow"):
                    self.stage = tag(ui.label("Waiting to start…").classes("text-xl font-medium"),
                                     "job-stage")
                    self.detail = tag(ui.label().classes("text-slate-600"), "job-detail")
                    self.log_line = tag(
                        ui.label().classes("text-sm text-slate-500 font-mono truncate"),
                        "job-log",
                    )
                    self.log_line.set_visibility(False)
                if cancel is not None:
                    self.cancel_button = tag(
                        ui.button("Cancel", icon="close", on_click=self._cancel_job).props(
                            "outline size=lg no-caps color=negative"
                        ),
                        "job-cancel",
                    )
            self.bar = tag(
                ui.linear_progress(value=0, show_value=False, size="18px").props(
                    "rounded color=primary"
                ),
                "job-bar",
            )
        self._task = background_tasks.create(self._follow(), name="follow job")

    def _show(self, job: Job) -> None:
        stage = self._labels.get(job.stage, job.stage.replace("_", " ").capitalize())
        if job.state == common_pb2.JOB_STATE_QUEUED:
            stage = "Waiting for the box to be free…"
        self.stage.set_text(stage or "Starting…")
        parts = [f"{round(job.progress * 100)} %"]
        if job.stage_count:
            parts.append(f"step {job.stage_index + 1} of {job.stage_count}")
        if eta := eta_text(job.eta_seconds):
            parts.append(eta)
        if job.message:
            parts.append(job.message)
        self.detail.set_text(" · ".join(parts))
        self.bar.set_value(max(0.0, min(1.0, job.progress)))

    def _show_log(self, lines: list[str]) -> None:
        last = next((line for line in reversed(lines) if line.strip()), "")
        if last:
            self.log_line.set_text(last.strip())
            self.log_line.set_visibility(True)

    async def _follow(self) -> None:
        while True:
            try:
                async for item in self._watch():
                    job = item.job if isinstance(item, JobEvent) else item
                    if isinstance(item, JobEvent):
                        self._show_log(list(item.log_lines))
                    self._show(job)
                    if job.state in ENDED:
                        # Its own task: on_end usually removes this element, which cancels
                        # the watch task (see _handle_delete).
                        result = self._on_end(job)
                        if result is not None:
                            background_tasks.create(result, name="job ended")
                        return
                # The stream ended with the job still going: the service is restarting.
                self.detail.set_text("The service is restarting — following the job again…")
            except Unavailable as exc:
                self.detail.set_text(f"{exc.message} — retrying…")
            except NotFound as exc:
                self.stage.set_text("This job is gone")
                self.detail.set_text(exc.message)
                return
            except StitchError as exc:
                show_error(exc)
                return
            await asyncio.sleep(RETRY_S)

    async def _cancel_job(self) -> None:
        if self._cancel is None:
            return
        self.cancel_button.disable()
        try:
            await self._cancel()
        except StitchError as exc:
            self.cancel_button.enable()
            show_error(exc)

    def _handle_delete(self) -> None:
        # The page closed: stop watching (the job itself goes on).
        if not self._task.done():
            self._task.cancel()
        super()._handle_delete()
