"""What every pipeline stage shares: its context, its completion marker, cancellation.

A stage is a module with `NAME` and `run(ctx) -> dict`: paths in (the run directory),
files out (under the same directory), resumable. The pipeline writes the stage's marker
(`.stages/<name>.json`, atomically, holding the dict `run` returned) only after `run`
returned, so a stage killed halfway is simply run again; stages that can resume inside
themselves (per photo) skip the pieces whose files already exist.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from appliance.paths import atomic_write_text
from services.errors import Cancelled
from services.reconstruction.options import ReconstructionOptions

log = logging.getLogger(__name__)

#: progress(fraction of this stage 0..1, message)
ProgressFn = Callable[[float, str], None]
#: should_stop() -> True once the job was cancelled
StopFn = Callable[[], bool]
#: log_line(text): a line for the job's log stream
LogFn = Callable[[str], None]

MARKER_DIR = ".stages"


def _no_progress(fraction: float, message: str) -> None:
    pass


def _never() -> bool:
    return False


def _no_log(line: str) -> None:
    pass


@dataclass
class StageContext:
    """Everything a stage gets: where to work, how, and whom to tell."""

    run_dir: Path
    options: ReconstructionOptions
    #: The photos of the run (used by prepare_images; later stages read its manifest).
    photos: list[Path] = field(default_factory=list)
    progress: ProgressFn = _no_progress
    should_stop: StopFn = _never
    log_line: LogFn = _no_log
    #: Markers of the stages before this one (their summaries), by stage name.
    done: dict[str, dict[str, Any]] = field(default_factory=dict)

    def check_stop(self) -> None:
        """Raise Cancelled when the job was cancelled; call it often (≤ 1 s apart)."""
        if self.should_stop():
            raise Cancelled("reconstruction cancelled")

    def path(self, *parts: str) -> Path:
        return self.run_dir.joinpath(*parts)

    def logs_dir(self) -> Path:
        d = self.run_dir / "logs"
        d.mkdir(parents=True, exist_ok=True)
        return d


def marker_path(run_dir: Path, name: str) -> Path:
    return run_dir / MARKER_DIR / f"{name}.json"


def read_marker(run_dir: Path, name: str) -> dict[str, Any] | None:
    """The summary a finished stage left, or None when it has not finished."""
    p = marker_path(run_dir, name)
    try:
        return json.loads(p.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def write_marker(run_dir: Path, name: str, summary: dict[str, Any], seconds: float) -> None:
    data = dict(summary)
    data["seconds"] = round(seconds, 3)
    data["finished_at"] = time.time()
    atomic_write_text(marker_path(run_dir, name), json.dumps(data, indent=1, sort_keys=True))


def clear_marker(run_dir: Path, name: str) -> None:
    marker_path(run_dir, name).unlink(missing_ok=True)


class Throttle:
    """Calls `progress` at most every `interval` seconds (plus the last call), so tight
    loops can report without flooding a job stream."""

    def __init__(self, progress: ProgressFn, interval: float = 0.25):
        self._progress = progress
        self._interval = interval
        self._last = 0.0

    def __call__(self, fraction: float, message: str, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._last >= self._interval:
            self._last = now
            self._progress(min(max(fraction, 0.0), 1.0), message)
