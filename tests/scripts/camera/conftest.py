"""A real capture service on a free loopback port (started with tests/conftest.py's
capture_factory), and the camera agent as a real process."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from services.capture.app import Capture
from services.runtime.client import open_channel
from services.runtime.tokens import TokenSigner
from stitchsketch.v1 import capture_pb2, capture_pb2_grpc, pairing_pb2, pairing_pb2_grpc
from tests.conftest import CaptureFactory

REPO = Path(__file__).resolve().parents[3]
PROJECT = "couch-1"


@dataclass
class Box:
    """The capture service of a test box (tests/conftest.py's factory), with tokens."""

    start_capture: CaptureFactory
    staff: str
    owner: str
    box_id: str
    capture: Capture | None = None
    port: int = 0
    advertise: bool = False  # over mDNS (then bound to every interface, as on a box)

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Start (again) on the same port and data: what a restart of the unit does."""
        self.capture = await self.start_capture(
            port=self.port,
            host="0.0.0.0" if self.advertise else "127.0.0.1",
            advertise=self.advertise,
        )
        self.port = self.capture.runtime.port

    async def stop(self) -> None:
        if self.capture is not None:
            await self.capture.runtime.stop(grace=0.5)
            self.capture = None

    async def set_active(self, project: str) -> None:
        async with open_channel(self.target, self.staff) as channel:
            stub = capture_pb2_grpc.CaptureServiceStub(channel)
            await stub.SetActiveCapture(capture_pb2.SetActiveCaptureRequest(project_id=project))

    async def pairing_code(self) -> str:
        async with open_channel(self.target, self.staff) as channel:
            stub = pairing_pb2_grpc.PairingServiceStub(channel)
            reply = await stub.CreatePairingCode(pairing_pb2.CreatePairingCodeRequest())
            return reply.code

    async def revoke_all(self) -> None:
        async with open_channel(self.target, self.owner) as channel:
            stub = pairing_pb2_grpc.PairingServiceStub(channel)
            devices = await stub.ListDevices(pairing_pb2.ListDevicesRequest())
            for device in devices.devices:
                await stub.RevokeDevice(pairing_pb2.RevokeDeviceRequest(device_id=device.id))

    async def photos(self, project: str = PROJECT) -> list[capture_pb2.Photo]:
        async with open_channel(self.target, self.staff) as channel:
            stub = capture_pb2_grpc.CaptureServiceStub(channel)
            reply = await stub.ListPhotos(capture_pb2.ListPhotosRequest(project_id=project))
            return list(reply.photos)


@pytest.fixture
async def box(
    capture_factory: CaptureFactory, signer: TokenSigner, staff_token: str, owner_token: str
) -> Box:
    """A capture service capturing into PROJECT."""
    the_box = Box(capture_factory, staff_token, owner_token, signer.box_id)
    await the_box.start()
    await the_box.set_active(PROJECT)
    return the_box


@dataclass
class AgentProcess:
    """`python -m scripts.camera_agent ...` running in the background, logging to a file."""

    args: list[str]
    log_path: Path
    proc: subprocess.Popen | None = None
    runs: list[str] = field(default_factory=list)

    def start(self, *extra: str) -> AgentProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            log.write(f"--- run {len(self.runs) + 1}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "scripts.camera_agent", *self.args, *extra],
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=agent_env(),
            )
        self.runs.append(" ".join(extra))
        return self

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: no chance to tidy up, like a power cut of the camera's computer."""
        if self.proc is not None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(5)

    async def wait(self, timeout: float = 30.0) -> int:
        """Wait for exit without blocking the event loop (the box runs in it)."""
        await wait_until(lambda: not self.running(), timeout, what=f"agent exit\n{self.log}")
        return self.proc.returncode  # type: ignore[union-attr]

    async def terminate(self, timeout: float = 15.0) -> int:
        if self.running():
            self.proc.send_signal(signal.SIGTERM)  # type: ignore[union-attr]
        return await self.wait(timeout)


@pytest.fixture
def agent_factory(tmp_path: Path) -> Iterator[Callable[..., AgentProcess]]:
    """Makes agent processes; kills any left running at the end."""
    made: list[AgentProcess] = []

    def make(*args: str, log_name: str = "agent.log") -> AgentProcess:
        agent = AgentProcess(list(args), tmp_path / log_name)
        made.append(agent)
        return agent

    yield make
    for agent in made:
        if agent.running():
            agent.kill()


async def wait_until(
    predicate: Callable[[], bool], timeout: float, *, what: str = "condition"
) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def wait_for_photos(box: Box, n: int, timeout: float = 30.0) -> list[capture_pb2.Photo]:
    """Poll ListPhotos (as staff) until at least `n` photos are stored."""
    deadline = time.monotonic() + timeout
    while True:
        photos = await box.photos()
        if len(photos) >= n:
            return photos
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(photos)} of {n} photos stored after {timeout} s")
        await asyncio.sleep(0.05)


def agent_env() -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1"}
