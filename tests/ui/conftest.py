"""Fixtures for the UI tests: a real capture server, a seeded UI store, NiceGUI's User.

No NiceGUI pytest plugin is loaded (pytest only honours `pytest_plugins` in the root
conftest); the `ui_user` fixture uses NiceGUI's public `user_simulation` with the UI's
real entry point as main file, like the plugin's `user` fixture does.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from nicegui.testing import User, user_simulation

from services.capture.app import build
from services.capture.settings import CaptureSettings
from services.runtime.server import ServiceRuntime
from ui.store import Store

MAIN_FILE = Path(__file__).parent / "app_main.py"
REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    role: str
    pin: str


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """The box data directory shared by capture and the UI (so they share the key)."""
    return tmp_path / "box"


@pytest.fixture
async def capture(data_dir: Path) -> AsyncIterator[ServiceRuntime]:
    """A real capture server on a free loopback port."""
    settings = CaptureSettings(data_dir=data_dir, host="127.0.0.1", port=0, advertise=False)
    runtime = build(settings)
    await runtime.start()
    yield runtime
    await runtime.stop(0)


@pytest.fixture
def people(data_dir: Path) -> dict[str, Person]:
    """Owner, staff and viewer in the UI store, created before the UI opens it."""
    store = Store(data_dir / "ui" / "ui.duckdb")
    try:
        made = {}
        for name, role, pin in (
            ("Olga", "owner", "2468"),
            ("Sam", "staff", "1357"),
            ("Vic", "viewer", "9090"),
        ):
            user = store.users.create(name, role, pin)
            made[role] = Person(user.id, name, role, pin)
    finally:
        store.close()
    return made


@pytest.fixture
def ui_env(data_dir: Path, capture: ServiceRuntime, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STITCHSKETCH_CONFIG", raising=False)
    monkeypatch.setenv("STITCHSKETCH_DATA_DIR", str(data_dir))
    monkeypatch.setenv("STITCHSKETCH_CAPTURE_ADDRESS", capture.target)


@pytest.fixture
async def ui_user(ui_env: None, caplog: pytest.LogCaptureFixture) -> AsyncIterator[User]:
    """NiceGUI's simulated user on the real UI, talking to the real capture server."""
    async with user_simulation(main_file=MAIN_FILE) as user:
        yield user
        errors = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
        if errors:
            pytest.fail(f"unexpected ERROR logs: {[r.getMessage() for r in errors]}", pytrace=False)


def free_port() -> int:
    # NiceGUI's ui.run treats port 0 as "8080", so the UI gets a port the OS just freed.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@asynccontextmanager
async def ui_process(
    data_dir: Path, capture_target: str, log_path: Path, *args: str, env: dict | None = None
) -> AsyncIterator[str]:
    """`python -m ui` as on the box, in a subprocess; yields its URL once it answers."""
    port = free_port()
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST_", "NICEGUI_", "STITCHSKETCH_", "NOTIFY_"))
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ui",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--data-dir",
                str(data_dir),
                "--capture",
                capture_target,
                *args,
            ],
            cwd=REPO,
            env={**clean, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            async with httpx.AsyncClient() as client:
                for _ in range(300):
                    if process.poll() is not None:
                        raise RuntimeError(f"UI exited: {log_path.read_text()}")
                    try:
                        if (await client.get(f"{url}/login", timeout=1)).status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    await asyncio.sleep(0.1)
                else:
                    raise RuntimeError("UI did not answer within 30 s")
            yield url
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
