"""sd_notify over a real unix datagram socket, the way systemd listens for it."""

from __future__ import annotations

import asyncio
import logging
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from appliance.sdnotify import Notifier


@pytest.fixture(params=["systemd-python", "fallback"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run each test with systemd-python and with the pure-socket fallback."""
    if request.param == "systemd-python":
        pytest.importorskip("systemd.daemon", reason="systemd-python not installed")
    else:
        monkeypatch.setitem(sys.modules, "systemd", None)  # import now raises ImportError
    return request.param


@pytest.fixture
def notify_socket(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[socket.socket]:
    """A bound AF_UNIX datagram socket named by NOTIFY_SOCKET, with a 200 ms watchdog."""
    path = tmp_path / "notify"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.setblocking(False)
    monkeypatch.setenv("NOTIFY_SOCKET", str(path))
    monkeypatch.setenv("WATCHDOG_USEC", "200000")
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    yield sock
    sock.close()


async def receive(sock: socket.socket, timeout: float = 2.0) -> str:
    loop = asyncio.get_running_loop()
    data = await asyncio.wait_for(loop.sock_recv(sock, 4096), timeout)
    return data.decode()


async def test_ready_status_watchdog_stopping_arrive(notify_socket: socket.socket) -> None:
    notifier = Notifier()
    assert notifier.enabled
    notifier.ready("capture serving on port 50051")
    assert await receive(notify_socket) == "READY=1\nSTATUS=capture serving on port 50051"
    notifier.ready()
    assert await receive(notify_socket) == "READY=1"
    notifier.status("2 jobs queued")
    assert await receive(notify_socket) == "STATUS=2 jobs queued"
    notifier.watchdog()
    assert await receive(notify_socket) == "WATCHDOG=1"
    notifier.extend_timeout(1.5)
    assert await receive(notify_socket) == "EXTEND_TIMEOUT_USEC=1500000"
    notifier.stopping()
    assert await receive(notify_socket) == "STOPPING=1"


async def test_run_watchdog_pings_at_half_the_timeout(notify_socket: socket.socket) -> None:
    notifier = Notifier()
    assert notifier.watchdog_interval() == pytest.approx(0.1)
    loop = asyncio.get_running_loop()
    task = asyncio.create_task(notifier.run_watchdog())
    try:
        start = loop.time()
        pings = [await receive(notify_socket) for _ in range(4)]
        elapsed = loop.time() - start
    finally:
        task.cancel()
    assert pings == ["WATCHDOG=1"] * 4
    assert 0.25 < elapsed < 1.5  # first ping at once, then every 0.1 s
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_abstract_socket(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    name = f"stitchsketch-test-{id(monkeypatch)}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind("\0" + name)
    sock.setblocking(False)
    monkeypatch.setenv("NOTIFY_SOCKET", "@" + name)
    try:
        Notifier().ready()
        assert await receive(sock) == "READY=1"
    finally:
        sock.close()


async def test_off_without_systemd_is_silent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    monkeypatch.delenv("WATCHDOG_USEC", raising=False)
    notifier = Notifier()
    assert not notifier.enabled
    assert notifier.watchdog_interval() is None
    notifier.ready("x")
    notifier.status("x")
    notifier.watchdog()
    notifier.stopping()
    await asyncio.wait_for(notifier.run_watchdog(), 1)  # returns at once


async def test_watchdog_meant_for_another_process(
    notify_socket: socket.socket, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WATCHDOG_PID", "1")
    notifier = Notifier()
    assert notifier.watchdog_interval() is None
    await asyncio.wait_for(notifier.run_watchdog(), 1)


async def test_watchdog_usec_garbage_is_ignored(
    notify_socket: socket.socket, monkeypatch: pytest.MonkeyPatch
) -> None:
    for value in ("", "0", "soon"):
        monkeypatch.setenv("WATCHDOG_USEC", value)
        assert Notifier().watchdog_interval() is None


def test_dead_socket_never_raises(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """systemd gone away (or a stale variable): the service must keep running."""
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "nobody-listens"))
    notifier = Notifier()
    assert notifier.enabled
    with caplog.at_level(logging.WARNING, logger="appliance.sdnotify"):
        notifier.ready("x")
        notifier.watchdog()
        notifier.stopping()
    assert "sd_notify" in caplog.text
