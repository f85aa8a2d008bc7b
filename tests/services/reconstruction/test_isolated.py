"""Native calls run in a child: results come back, failures and cancels are prompt."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from services.errors import Cancelled
from services.reconstruction import isolated
from services.reconstruction.options import ReconstructionOptions
from services.reconstruction.stage import StageContext


def add(a: int, b: int) -> int:
    print("step [1/2]", flush=True)
    print("step [2/2]", flush=True)
    return a + b


def fail() -> None:
    raise ValueError("bad input")


def sleep_long() -> None:
    print("sleeping", flush=True)
    time.sleep(60)


def _ctx(tmp_path: Path, stop: threading.Event | None = None) -> StageContext:
    seen: list[tuple[float, str]] = []
    lines: list[str] = []
    ctx = StageContext(tmp_path, ReconstructionOptions(),
                       progress=lambda f, m: seen.append((f, m)),
                       should_stop=(stop.is_set if stop else lambda: False),
                       log_line=lines.append)
    ctx.seen, ctx.lines = seen, lines  # type: ignore[attr-defined]
    return ctx


def test_result_log_and_progress_come_back(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path)

    def parse(line: str) -> tuple[float, str] | None:
        return (0.5, line) if line.startswith("step [1") else None

    assert isolated.call(ctx, f"{__name__}:add", 2, b=3, log_name="t", parser=parse) == 5
    assert ctx.seen == [(0.5, "step [1/2]")]  # type: ignore[attr-defined]
    assert "step [2/2]" in ctx.lines  # type: ignore[attr-defined]
    assert "step [2/2]" in (tmp_path / "logs" / "t.log").read_text()
    assert not list((tmp_path / "logs").glob(".call-*"))


def test_failure_names_the_error_and_the_log(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="ValueError: bad input"):
        isolated.call(_ctx(tmp_path), f"{__name__}:fail", log_name="t")
    assert "Traceback" in (tmp_path / "logs" / "t.log").read_text()


def test_cancel_kills_the_child_within_two_seconds(tmp_path: Path) -> None:
    stop = threading.Event()
    ctx = _ctx(tmp_path, stop)
    t0: list[float] = []

    def cancel_when_running() -> None:
        log = tmp_path / "logs" / "t.log"
        while not (log.exists() and "sleeping" in log.read_text()):
            time.sleep(0.05)
        t0.append(time.monotonic())
        stop.set()

    threading.Thread(target=cancel_when_running, daemon=True).start()
    with pytest.raises(Cancelled):
        isolated.call(ctx, f"{__name__}:sleep_long", log_name="t")
    assert time.monotonic() - t0[0] < 2.0
