"""`python -m ui` as a process: systemd readiness once the port answers, the demo owner."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from services.runtime.server import ServiceRuntime
from tests.ui.conftest import ui_process

pytestmark = pytest.mark.slow


async def test_ready_after_bind_and_demo_owner(
    data_dir: Path, capture: ServiceRuntime, tmp_path: Path
) -> None:
    notify_path = tmp_path / "notify.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(str(notify_path))
    listener.settimeout(0)
    try:
        async with ui_process(
            data_dir,
            capture.target,
            tmp_path / "ui.log",
            "--demo-owner",
            env={"NOTIFY_SOCKET": str(notify_path)},
        ) as url:
            messages = []
            while True:
                try:
                    messages.append(listener.recv(4096).decode())
                except BlockingIOError:
                    break
            assert any(m.startswith("READY=1") for m in messages), messages
            async with httpx.AsyncClient(base_url=url) as client:
                page = await client.get("/login")
            assert "Owner" in page.text  # the documented demo login: Owner / 1234
        log = (tmp_path / "ui.log").read_text()
        assert "created demo owner 'Owner' with PIN 1234" in log
    finally:
        listener.close()
