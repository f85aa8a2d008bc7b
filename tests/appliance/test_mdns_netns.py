"""Advertise and browse across a real link: two network namespaces joined by a veth pair.

Independent of whether this host's own network carries multicast: the advertiser
runs in one namespace, the browser in the other, each as its own process
(`python -m appliance.cli lan ...`), as a service and the UI would on two boxes.
"""

from __future__ import annotations

import json
import os
import queue
import secrets
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.netns,
    pytest.mark.skipif(sys.platform != "linux", reason="network namespaces are Linux only"),
    pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="needs root for netns"),
    pytest.mark.skipif(shutil.which("ip") is None, reason="needs iproute2's `ip`"),
]


@dataclass
class Namespaces:
    advertiser: str
    browser: str
    advertiser_ip: str
    lone: str  # loopback only: what a host that blocks multicast looks like


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True, timeout=20)


@pytest.fixture
def namespaces() -> Iterator[Namespaces]:
    tag = secrets.token_hex(3)
    a, b, lone = f"ssk-{tag}-a", f"ssk-{tag}-b", f"ssk-{tag}-lo"
    va, vb = f"ss{tag}a", f"ss{tag}b"  # interface names: 15 characters at most
    made: list[str] = []
    try:
        for ns in (a, b, lone):
            _ip("netns", "add", ns)
            made.append(ns)
        _ip("link", "add", va, "netns", a, "type", "veth", "peer", "name", vb, "netns", b)
        for ns, dev, address in ((a, va, "10.201.0.1/24"), (b, vb, "10.201.0.2/24")):
            _ip("-n", ns, "addr", "add", address, "dev", dev)
            _ip("-n", ns, "link", "set", "lo", "up")
            _ip("-n", ns, "link", "set", dev, "up", "multicast", "on")
            _ip("-n", ns, "route", "add", "224.0.0.0/4", "dev", dev)
        _ip("-n", lone, "link", "set", "lo", "up")
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        for ns in made:
            subprocess.run(["ip", "netns", "del", ns], check=False, capture_output=True)
        stderr = getattr(exc, "stderr", "") or ""
        pytest.skip(f"cannot create network namespaces here: {stderr.strip() or exc}")
    yield Namespaces(a, b, "10.201.0.1", lone)
    for ns in made:  # deleting a namespace deletes its end of the veth pair, and so both
        subprocess.run(["ip", "netns", "del", ns], check=False, capture_output=True)


class Lan:
    """`python -m appliance.cli lan ARGS` in a namespace, its JSON lines read as they come."""

    def __init__(self, ns: str, *args: str):
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", ns, sys.executable, "-m", "appliance.cli", "lan", *args],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._lines: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(json.loads(line))

    def expect(self, match: Callable[[dict[str, Any]], bool], timeout: float = 10) -> dict:
        """The next line that `match`es, skipping others; fails after `timeout` s."""
        seen = []
        try:
            while True:
                record = self._lines.get(timeout=timeout)
                if match(record):
                    return record
                seen.append(record)
        except queue.Empty:
            self.stop()
            stderr = self.proc.stderr.read() if self.proc.stderr else ""
            pytest.fail(f"no matching line in {timeout} s; saw {seen}; stderr: {stderr}")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


def run_lan(ns: str, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = ["ip", "netns", "exec", ns, sys.executable, "-m", "appliance.cli", "lan", *args]
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=60)


@pytest.mark.slow
def test_advertise_and_browse_across_a_link(namespaces: Namespaces) -> None:
    box = secrets.token_hex(4)
    browser = Lan(namespaces.browser, "browse", "--service", "capture", "--duration", "60")
    advertiser: Lan | None = None
    try:
        assert browser.expect(lambda r: r["event"] == "browsing")["mdns"] is True
        advertiser = Lan(namespaces.advertiser, "advertise", "capture", "50051", "--box", box)
        assert advertiser.expect(lambda r: r["event"] == "advertised")["name"] == (
            f"capture-{box}._stitchsketch._tcp.local."
        )

        added = browser.expect(lambda r: r["event"] == "added" and r["box_id"] == box)
        assert added["host"] == namespaces.advertiser_ip  # the address on the link, not loopback
        assert added["target"] == f"{namespaces.advertiser_ip}:50051"
        assert (added["service"], added["api_version"], added["source"]) == (
            "capture",
            "v1",
            "mdns",
        )

        # A one-shot client in the browser's namespace resolves the same endpoint.
        resolved = run_lan(namespaces.browser, "resolve", "capture", "--timeout", "10")
        assert resolved.returncode == 0, resolved.stderr
        assert json.loads(resolved.stdout)["target"] == f"{namespaces.advertiser_ip}:50051"

        # SIGTERM: the advertiser says goodbye and the browser drops it well before the TTL.
        assert advertiser.stop() == 0
        assert advertiser.expect(lambda r: r["event"] == "closed")
        browser.expect(lambda r: r["event"] == "removed" and r["box_id"] == box, timeout=5)
    finally:
        if advertiser is not None:
            advertiser.stop()
        browser.stop()


def test_no_multicast_falls_back_to_static(namespaces: Namespaces) -> None:
    """Loopback only, like a network that blocks multicast: the static address is used."""
    static = "capture=127.0.0.1:50051"
    resolved = run_lan(namespaces.lone, "resolve", "capture", "--static", static, "--timeout", "1")
    assert resolved.returncode == 0, resolved.stderr
    assert json.loads(resolved.stdout)["source"] == "static"

    missing = run_lan(namespaces.lone, "resolve", "render", "--static", static, "--timeout", "1")
    assert missing.returncode == 1
    assert "no render service found" in missing.stderr
    assert "STITCHSKETCH_STATIC_SERVICES" in missing.stderr
