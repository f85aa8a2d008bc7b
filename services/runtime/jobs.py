"""Long work as jobs: persisted, queued one heavy job at a time, resumable, cancellable.

A job runs in its own process (spawned), so a cancel always takes effect within
seconds, a crash in native code (COLMAP, Open3D) cannot take the service down, and the
gRPC server stays responsive. The work function is plain domain code:

    def run(job_dir: Path, params: dict, ctx: JobContext) -> None

It reports through `ctx.progress(stage, fraction, message)` and `ctx.log(line)`, and
checks `ctx.should_stop()`. Resumability is the work function's side of the contract
(hloc-style: each stage skips what is already in its output); the manager's side is to
put every job that was queued or running when the service died back in the queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import dataclasses
import fcntl
import importlib
import json
import logging
import multiprocessing as mp
import signal
import time
import traceback
import uuid
from collections.abc import AsyncIterator
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from appliance.paths import atomic_write_text
from services.errors import Cancelled, FailedPrecondition, NotFound, StitchError

log = logging.getLogger(__name__)

#: Seconds a job process gets to stop by itself after a cancel before it is killed.
CANCEL_GRACE_S = 1.5
PR_SET_PDEATHSIG = 1
#: The box-wide lock file, under the box's data directory (shared by every service).
BOX_LOCK = "heavy-work.lock"
#: How often a queued job checks whether the box is free.
BOX_LOCK_POLL_S = 0.25
#: Progress is written to disk at most this often (it is always sent to watchers).
PERSIST_EVERY_S = 1.0


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def ended(self) -> bool:
        return self in (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)


@dataclasses.dataclass
class JobRecord:
    """A job as stored in `<jobs>/<id>/job.json`."""

    id: str
    kind: str
    project_id: str
    params: dict[str, Any]
    state: JobState = JobState.QUEUED
    stage: str = ""
    stage_index: int = 0
    stage_count: int = 0
    progress: float = 0.0
    eta_seconds: float = -1.0
    message: str = "waiting for the box"
    error: str = ""
    created_at: float = dataclasses.field(default_factory=time.time)
    updated_at: float = dataclasses.field(default_factory=time.time)
    started_at: float = 0.0
    attempts: int = 0

    @classmethod
    def load(cls, path: Path) -> JobRecord:
        data = json.loads(path.read_text())
        data["state"] = JobState(data["state"])
        return cls(**data)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=1)


class JobContext:
    """What the work function sees: report progress, log, check for cancel."""

    def __init__(self, job_dir: Path, events: Any, stop: Any, stages: list[str]):
        self.job_dir = job_dir
        self._events = events
        self._stop = stop
        self.stages = stages

    def progress(self, stage: str, fraction: float, message: str = "") -> None:
        """Report that `stage` is `fraction` (0..1) done."""
        self._events.put(("progress", stage, max(0.0, min(1.0, fraction)), message))

    def log(self, line: str) -> None:
        self._events.put(("log", line))

    def should_stop(self) -> bool:
        return self._stop.is_set()

    def check_stop(self) -> None:
        """Raise Cancelled if a cancel was asked for; call it between units of work."""
        if self._stop.is_set():
            raise Cancelled("cancelled on request")


def _child(target: str, job_dir: str, params: dict, stages: list[str], events, stop) -> None:
    """Entry point of the job process: import the work function and run it."""
    _die_with_parent()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    ctx = JobContext(Path(job_dir), events, stop, stages)
    try:
        module, _, name = target.partition(":")
        getattr(importlib.import_module(module), name)(Path(job_dir), params, ctx)
        events.put(("done", "", ""))
    except Cancelled:
        events.put(("cancelled", "", ""))
    except StitchError as exc:
        events.put(("failed", exc.message, ""))
    except BaseException as exc:  # a bug: keep the traceback with the job
        events.put(("failed", f"{type(exc).__name__}: {exc}", traceback.format_exc()))


@dataclasses.dataclass(frozen=True)
class JobKind:
    """A kind of job: the work function ("module:function"), its stage names and, where
    stages take very different times, their rough shares of a run (for honest ETAs)."""

    target: str
    stages: tuple[str, ...]
    weights: tuple[float, ...] = ()

    def fraction(self, index: int, stage_fraction: float) -> float:
        """The whole job's fraction done at `stage_fraction` through stage `index`."""
        weights = (
            self.weights if len(self.weights) == len(self.stages) else (1.0,) * len(self.stages)
        )
        before = sum(weights[:index])
        return (before + weights[index] * stage_fraction) / max(sum(weights), 1e-9)


class JobManager:
    """Runs jobs of the registered kinds, one at a time, and tells watchers about them."""

    def __init__(self, root: Path, kinds: dict[str, JobKind], box_lock: Path | None = None):
        self.root = root
        self.kinds = kinds
        #: A file every job-running service of the box locks while a job runs, so the box
        #: does one heavy job at a time however many services it runs.
        self.box_lock = box_lock
        self._jobs: dict[str, JobRecord] = {}
        self._watchers: dict[str, set[asyncio.Queue]] = {}
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._cancel_requested: set[str] = set()
        self._progress_at_start: dict[str, float] = {}
        self._worker: asyncio.Task | None = None
        self._current: tuple[str, Any, Any] | None = None  # (job id, process, stop event)
        self._ctx = mp.get_context("spawn")

    # -- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        """Load stored jobs; put those that were queued or running back in the queue."""
        self.root.mkdir(parents=True, exist_ok=True)
        stored = []
        for path in self.root.glob("*/job.json"):
            try:
                stored.append(JobRecord.load(path))
            except (OSError, ValueError, TypeError) as exc:
                log.warning("skipping unreadable job %s: %s", path.parent.name, exc)
        for job in sorted(stored, key=lambda j: j.created_at):
            self._jobs[job.id] = job
            if not job.state.ended:
                job.state = JobState.QUEUED
                job.message = "resuming after a restart"
                self._save(job)
                self._queue.put_nowait(job.id)
        self._worker = asyncio.create_task(self._work())

    async def stop(self) -> None:
        """Stop the worker; a running job is killed but stays resumable (not cancelled)."""
        if self._worker:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
        if self._current:
            _, process, stop = self._current
            stop.set()
            await asyncio.to_thread(process.join, CANCEL_GRACE_S)
            if process.is_alive():
                process.kill()
        for queues in self._watchers.values():
            for queue in queues:
                queue.put_nowait(None)

    # -- the API servicers adapt -------------------------------------------------------

    def submit(self, kind: str, project_id: str, params: dict[str, Any]) -> JobRecord:
        if kind not in self.kinds:
            raise FailedPrecondition(f"this service does not run {kind} jobs")
        job = JobRecord(
            id=uuid.uuid4().hex[:16],
            kind=kind,
            project_id=project_id,
            params=params,
            stage_count=len(self.kinds[kind].stages),
        )
        self._jobs[job.id] = job
        self._save(job)
        self._queue.put_nowait(job.id)
        return job

    def get(self, job_id: str) -> JobRecord:
        try:
            return self._jobs[job_id]
        except KeyError:
            raise NotFound(f"no job {job_id!r}", field="job_id") from None

    def list(self, project_id: str = "") -> list[JobRecord]:
        jobs = [j for j in self._jobs.values() if not project_id or j.project_id == project_id]
        return sorted(jobs, key=lambda j: j.created_at, reverse=True)

    def job_dir(self, job_id: str) -> Path:
        return self.root / self.get(job_id).id

    async def cancel(self, job_id: str) -> JobRecord:
        """Stop a job; returns once it has stopped (at most about two seconds)."""
        job = self.get(job_id)
        if job.state.ended:
            return job
        self._cancel_requested.add(job_id)
        if job.state == JobState.QUEUED:
            self._finish(job, JobState.CANCELLED, "cancelled")
            return job
        if self._current and self._current[0] == job_id:
            _, process, stop = self._current
            stop.set()
            await asyncio.to_thread(process.join, CANCEL_GRACE_S)
            if process.is_alive():
                process.kill()
                await asyncio.to_thread(process.join, 1.0)
        deadline = time.monotonic() + 2.0
        while not job.state.ended and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        return job

    async def watch(self, job_id: str) -> AsyncIterator[tuple[JobRecord, list[str]]]:
        """The job now, then on every change, until it ends."""
        job = self.get(job_id)
        queue: asyncio.Queue = asyncio.Queue()
        self._watchers.setdefault(job_id, set()).add(queue)
        try:
            yield job, self._tail(job_id)
            while not job.state.ended:
                item = await queue.get()
                if item is None:
                    return
                lines = [item] if isinstance(item, str) else []
                while not queue.empty():  # coalesce bursts into one event
                    more = queue.get_nowait()
                    if more is None:
                        return
                    if isinstance(more, str):
                        lines.append(more)
                yield job, lines
        finally:
            self._watchers[job_id].discard(queue)

    # -- internals ---------------------------------------------------------------------

    async def _work(self) -> None:
        while True:
            job_id = await self._queue.get()
            job = self._jobs.get(job_id)
            if job is None or job.state != JobState.QUEUED:
                continue
            try:
                await self._run(job)
            except Exception:
                log.exception("job %s crashed the runner", job.id)
                self._finish(job, JobState.FAILED, "internal error; see the service log")

    async def _run(self, job: JobRecord) -> None:
        lock = await self._wait_for_the_box(job)
        if lock is None:  # cancelled while waiting
            return
        try:
            await self._run_locked(job)
        finally:
            lock.close()  # closing the file releases the lock

    async def _wait_for_the_box(self, job: JobRecord) -> IO[bytes] | None:
        """Hold the box-wide lock (polled, so a cancel while waiting takes effect)."""
        path = self.box_lock or (self.root / ".heavy-work.lock")
        path.parent.mkdir(parents=True, exist_ok=True)
        f = path.open("ab")
        told = False
        while True:
            try:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                return f
            except BlockingIOError:
                pass
            if job.state != JobState.QUEUED:
                f.close()
                return None
            if not told:
                job.message = "waiting: another job is running on this box"
                self._notify(job)
                told = True
            await asyncio.sleep(BOX_LOCK_POLL_S)

    async def _run_locked(self, job: JobRecord) -> None:
        kind = self.kinds[job.kind]
        job_dir = self.root / job.id
        events = self._ctx.Queue()
        stop = self._ctx.Event()
        process = self._ctx.Process(
            target=_child,
            args=(kind.target, str(job_dir), job.params, list(kind.stages), events, stop),
            name=f"job-{job.kind}-{job.id}",
            daemon=True,
        )
        job.state, job.attempts, job.started_at = JobState.RUNNING, job.attempts + 1, time.time()
        job.message = "starting"
        self._progress_at_start[job.id] = job.progress
        self._save(job)
        self._notify(job)
        process.start()
        self._current = (job.id, process, stop)
        last_saved = 0.0
        outcome: tuple[str, str, str] | None = None
        try:
            while outcome is None:
                item = await asyncio.to_thread(_get, events, 0.2)
                if item is None:
                    if not process.is_alive():
                        code = process.exitcode
                        outcome = (
                            ("cancelled", "", "")
                            if job.id in self._cancel_requested
                            else ("failed", f"the job process died (exit code {code})", "")
                        )
                    continue
                if item[0] == "progress":
                    self._apply_progress(job, kind, *item[1:])
                    if time.monotonic() - last_saved > PERSIST_EVERY_S:
                        self._save(job)
                        last_saved = time.monotonic()
                    self._notify(job)
                elif item[0] == "log":
                    self._append_log(job, item[1])
                else:
                    outcome = item
        finally:
            self._current = None
            await asyncio.to_thread(process.join, CANCEL_GRACE_S)
            if process.is_alive():
                process.kill()
        status, error, trace = outcome
        if trace:
            self._append_log(job, trace)
        if status == "done":
            job.progress, job.eta_seconds = 1.0, 0.0
            self._finish(job, JobState.SUCCEEDED, "done")
        elif status == "cancelled":
            self._finish(job, JobState.CANCELLED, "cancelled")
        else:
            job.error = error
            self._finish(job, JobState.FAILED, f"failed: {error}")

    def _apply_progress(
        self, job: JobRecord, kind: JobKind, stage: str, fraction: float, message: str
    ) -> None:
        """Progress only moves forward: a resumed job re-checks finished work and restarts
        its interrupted stage, and a progress bar must not jump back for that."""
        index = kind.stages.index(stage) if stage in kind.stages else job.stage_index
        overall = kind.fraction(index, fraction)
        if overall >= job.progress:
            job.stage, job.stage_index, job.progress = stage, index, overall
        job.message = message or stage
        done_this_run = job.progress - self._progress_at_start.get(job.id, 0.0)
        elapsed = time.time() - job.started_at
        job.eta_seconds = (
            elapsed * (1 - job.progress) / done_this_run if done_this_run > 0.02 else -1
        )
        job.updated_at = time.time()

    def _finish(self, job: JobRecord, state: JobState, message: str) -> None:
        job.state, job.message, job.updated_at = state, message, time.time()
        if state != JobState.SUCCEEDED:
            job.eta_seconds = -1
        self._save(job)
        self._notify(job)

    def _save(self, job: JobRecord) -> None:
        job.updated_at = time.time()
        atomic_write_text(self.root / job.id / "job.json", job.to_json())

    def _append_log(self, job: JobRecord, line: str) -> None:
        path = self.root / job.id / "log.txt"
        with path.open("a") as f:
            f.write(line.rstrip("\n") + "\n")
        for queue in self._watchers.get(job.id, ()):
            queue.put_nowait(line)

    def _tail(self, job_id: str, lines: int = 20) -> list[str]:
        path = self.root / job_id / "log.txt"
        return path.read_text().splitlines()[-lines:] if path.exists() else []

    def _notify(self, job: JobRecord) -> None:
        for queue in self._watchers.get(job.id, ()):
            queue.put_nowait(job.state)


def _die_with_parent() -> None:
    """Ask Linux to kill this process when the service dies (even by SIGKILL), so a
    restarted service never finds an orphan still writing into the job's folder."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _get(events: Any, timeout: float) -> tuple | None:
    try:
        return events.get(timeout=timeout)
    except Exception:  # queue.Empty
        return None
