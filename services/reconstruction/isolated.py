"""Run a long native call (COLMAP, Poisson) in a child process.

Why a child: COLMAP's C++ cannot be interrupted from Python at every step, and a failed
CHECK aborts the whole process; in a child, cancel is a kill (well within 2 s), a crash
costs only the stage, and COLMAP's glog output goes to the stage's log file beside the
run's output (hloc keeps COLMAP's logs the same way). Progress comes from the log: each
caller passes a parser that turns a log line into a fraction.
"""

from __future__ import annotations

import importlib
import logging
import os
import pickle
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from services.reconstruction.stage import StageContext

log = logging.getLogger(__name__)

#: log line -> (fraction 0..1, message) or None
LineParser = Callable[[str], tuple[float, str] | None]

_POLL_S = 0.1
_KILL_GRACE_S = 1.0


def _child_main(job_path: str) -> int:
    """Child entry point: run the pickled call, pickle the outcome beside it."""
    # NOTE: a process entry point, so configuring logging here is allowed.
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    with open(job_path, "rb") as f:
        target, args, kwargs = pickle.load(f)
    try:
        module_name, func_name = target.split(":")
        func = getattr(importlib.import_module(module_name), func_name)
        outcome: tuple = ("ok", func(*args, **kwargs))
    except BaseException as exc:  # everything goes back to the parent
        traceback.print_exc()
        outcome = ("error", type(exc).__name__, str(exc))
    tmp = job_path + ".out.tmp"
    with open(tmp, "wb") as f:
        pickle.dump(outcome, f)
    os.replace(tmp, job_path + ".out")
    sys.stdout.flush()
    sys.stderr.flush()
    return 0


def call(
    ctx: StageContext,
    target: str,
    *args: Any,
    log_name: str,
    parser: LineParser | None = None,
    **kwargs: Any,
) -> Any:
    """Run `module:function(*args, **kwargs)` in a child; return its (picklable) result.

    Raises Cancelled (the child killed) when ctx.should_stop() turns true, and
    RuntimeError with the log's tail when the child fails or dies.
    """
    log_path = ctx.logs_dir() / f"{log_name}.log"
    with log_path.open("a") as f:
        f.write(f"==== {time.strftime('%Y-%m-%d %H:%M:%S')} {target}\n")
    start_offset = log_path.stat().st_size
    fd, job_path = tempfile.mkstemp(prefix=".call-", suffix=".pkl", dir=ctx.logs_dir())
    with os.fdopen(fd, "wb") as f:
        pickle.dump((target, args, kwargs), f)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([p for p in sys.path if p] +
                                        [env.get("PYTHONPATH", "")])
    env.setdefault("PYTHONUNBUFFERED", "1")
    out_path = Path(job_path + ".out")
    tail = _LogTail(log_path, start_offset)
    with log_path.open("ab") as logf:
        proc = subprocess.Popen(
            [sys.executable, "-c",
             "import sys; from services.reconstruction.isolated import _child_main; "
             "sys.exit(_child_main(sys.argv[1]))", job_path],
            stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT, env=env)
    try:
        while proc.poll() is None:
            if ctx.should_stop():
                _stop(proc)
                ctx.check_stop()
            _relay(ctx, tail, parser)
            time.sleep(_POLL_S)
        _relay(ctx, tail, parser)
        if not out_path.exists():
            raise RuntimeError(f"{target} died (exit code {proc.returncode}); see {log_path}:\n"
                               + tail.last(20))
        with out_path.open("rb") as f:
            outcome = pickle.load(f)
    finally:
        if proc.poll() is None:
            _stop(proc)
        Path(job_path).unlink(missing_ok=True)
        out_path.unlink(missing_ok=True)
    if outcome[0] == "error":
        raise RuntimeError(f"{target} failed: {outcome[1]}: {outcome[2]} (log: {log_path})")
    return outcome[1]


def _relay(ctx: StageContext, tail: _LogTail, parser: LineParser | None) -> None:
    for line in tail.new_lines():
        ctx.log_line(line)
        if parser is not None:
            parsed = parser(line)
            if parsed is not None:
                ctx.progress(*parsed)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(_KILL_GRACE_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(2)


class _LogTail:
    """Reads lines appended to a log file since an offset."""

    def __init__(self, path: Path, offset: int):
        self._path = path
        self._offset = offset
        self._partial = ""
        self._recent: list[str] = []

    def new_lines(self) -> list[str]:
        try:
            with self._path.open("r", errors="replace") as f:
                f.seek(self._offset)
                chunk = f.read()
                self._offset = f.tell()
        except FileNotFoundError:
            return []
        if not chunk:
            return []
        text = self._partial + chunk
        lines = text.split("\n")
        self._partial = lines.pop()
        self._recent = (self._recent + lines)[-50:]
        return lines

    def last(self, n: int) -> str:
        return "\n".join(self._recent[-n:])
