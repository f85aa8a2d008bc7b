"""Tell systemd how a service is doing: READY, STATUS, WATCHDOG pings, STOPPING.

Every service is a `Type=notify` unit: systemd counts it started only when it says
READY=1 (after its port is bound and it is advertised), restarts it when the
WATCHDOG=1 pings stop, and shows STATUS= in `systemctl status`. Off the box (a
laptop, a test) there is no NOTIFY_SOCKET and every call here does nothing.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable

log = logging.getLogger(__name__)


def _socket_send(path: str) -> Callable[[str], bool]:
    """A tiny sd_notify for when systemd-python is not installed: one datagram per message."""
    address = "\0" + path[1:] if path.startswith("@") else path  # '@' means abstract namespace

    def send(message: str) -> bool:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall(message.encode("utf-8"))
        return True

    return send


def _systemd_send() -> Callable[[str], bool] | None:
    """systemd-python's sd_notify (libsystemd reads NOTIFY_SOCKET at each call)."""
    try:
        from systemd import daemon
    except ImportError:
        return None
    return lambda message: bool(daemon.notify(message))


class Notifier:
    """sd_notify for one service process; silently off when not started by systemd."""

    def __init__(self) -> None:
        self._socket = os.environ.get("NOTIFY_SOCKET", "")
        self._send: Callable[[str], bool] | None = None
        if self._socket:
            self._send = _systemd_send() or _socket_send(self._socket)
        self._watchdog_s = _watchdog_seconds()

    @property
    def enabled(self) -> bool:
        """True when running under systemd with a notification socket."""
        return self._send is not None

    def ready(self, status: str = "") -> None:
        """The service is up: its port is bound and it is advertised."""
        self._notify("READY=1" + (f"\nSTATUS={status}" if status else ""))

    def status(self, text: str) -> None:
        """A one-line status shown by `systemctl status`."""
        self._notify(f"STATUS={text}")

    def watchdog(self) -> None:
        """Prove liveness; systemd restarts the unit if these stop for WatchdogSec."""
        self._notify("WATCHDOG=1")

    def stopping(self) -> None:
        """Shutdown has begun, so systemd does not mistake the drain for a hang."""
        self._notify("STOPPING=1")

    def extend_timeout(self, seconds: float) -> None:
        """Ask for more start/stop time, e.g. while a long migration runs."""
        self._notify(f"EXTEND_TIMEOUT_USEC={int(seconds * 1_000_000)}")

    def watchdog_interval(self) -> float | None:
        """Seconds between pings (half of WATCHDOG_USEC), None when no watchdog is set."""
        if self._watchdog_s is None:
            return None
        return self._watchdog_s / 2

    async def run_watchdog(self) -> None:
        """Ping from the event loop until cancelled: a blocked loop stops the pings.

        Returns at once when there is no watchdog to feed.
        """
        interval = self.watchdog_interval()
        if interval is None or not self.enabled:
            return
        log.debug("feeding the systemd watchdog every %.1f s", interval)
        while True:
            self.watchdog()
            await asyncio.sleep(interval)

    def _notify(self, message: str) -> None:
        # Notification must never take a service down: log and carry on.
        if self._send is None:
            return
        try:
            if not self._send(message):
                log.debug("sd_notify(%r) was not delivered", message)
        except OSError as exc:
            log.warning("sd_notify to %s failed: %s", self._socket, exc)


def _watchdog_seconds() -> float | None:
    """WATCHDOG_USEC in seconds, if it is meant for this process."""
    usec = os.environ.get("WATCHDOG_USEC", "")
    pid = os.environ.get("WATCHDOG_PID", "")
    if pid and pid != str(os.getpid()):  # set for another process (we were forked or exec'd)
        return None
    try:
        value = int(usec)
    except ValueError:
        return None
    return value / 1_000_000 if value > 0 else None
