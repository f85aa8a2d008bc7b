"""Fixtures shared by the service tests: a box data directory, its signing key, people's
tokens, and real capture, patterns and reconstruction servers on free loopback ports.

Tokens are made with the box key in `data_dir`, which every service started on that
directory shares, so the same tokens work against any service of the test box.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from services.runtime.tokens import TokenSigner, load_or_create_box_id, load_or_create_key

if TYPE_CHECKING:
    from services.capture.app import Capture
    from services.patterns.app import Patterns
    from services.reconstruction.app import Reconstruction

CaptureFactory = Callable[..., Awaitable["Capture"]]
PatternsFactory = Callable[..., Awaitable["Patterns"]]
ReconstructionFactory = Callable[..., Awaitable["Reconstruction"]]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """The test box's data directory (each service uses its own subfolder)."""
    return tmp_path / "box"


@pytest.fixture
def signer(data_dir: Path) -> TokenSigner:
    """Signs and verifies tokens with the test box's key (created on first use)."""
    return TokenSigner(load_or_create_key(data_dir), load_or_create_box_id(data_dir))


@pytest.fixture
def owner_token(signer: TokenSigner) -> str:
    return signer.issue("owner-1", "owner", name="Olive")


@pytest.fixture
def staff_token(signer: TokenSigner) -> str:
    return signer.issue("staff-1", "staff", name="Sam")


@pytest.fixture
def viewer_token(signer: TokenSigner) -> str:
    return signer.issue("viewer-1", "viewer", name="Vic")


@pytest.fixture
async def capture_factory(data_dir: Path) -> AsyncIterator[CaptureFactory]:
    """Starts capture servers on free loopback ports (settings overridable); stops them all.

    A server started again on the same `data_dir` finds the photos of the previous one.
    """
    from services.capture.app import assemble
    from services.capture.settings import CaptureSettings
    from services.runtime.settings import load_settings

    started: list[Capture] = []

    async def start(**overrides: Any) -> Capture:
        settings: dict[str, Any] = {
            "data_dir": data_dir,
            "host": "127.0.0.1",
            "port": 0,
            "advertise": False,
            "grace_s": 0.5,
        }
        settings.update(overrides)
        capture = assemble(load_settings(CaptureSettings, **settings))
        await capture.runtime.start()
        started.append(capture)
        return capture

    yield start
    for capture in reversed(started):
        await capture.runtime.stop(grace=0.2)


@pytest.fixture
async def capture_server(capture_factory: CaptureFactory) -> Capture:
    """A real capture server; `.runtime.target` is its loopback address."""
    return await capture_factory()


@pytest.fixture
def device_token(capture_server: Capture) -> str:
    """A camera's token, from a real pairing with the capture server's registry."""
    code, _ = capture_server.devices.create_code()
    _, token = capture_server.devices.pair(code, "test-cam")
    return token


@pytest.fixture
async def patterns_factory(data_dir: Path) -> AsyncIterator[PatternsFactory]:
    """Starts patterns servers on free loopback ports over the test box; stops them all."""
    from services.patterns.app import assemble
    from services.patterns.settings import PatternsSettings
    from services.runtime.settings import load_settings

    started: list[Patterns] = []

    async def start(**overrides: Any) -> Patterns:
        settings: dict[str, Any] = {
            "data_dir": data_dir,
            "host": "127.0.0.1",
            "port": 0,
            "advertise": False,
            "grace_s": 0.5,
            "discover_mdns": False,
            "nest_seconds": 0.3,
        }
        settings.update(overrides)
        server = assemble(load_settings(PatternsSettings, **settings))
        await server.runtime.start()
        started.append(server)
        return server

    yield start
    for server in reversed(started):
        await server.runtime.stop(grace=0.2)


@pytest.fixture
async def reconstruction_factory(data_dir: Path) -> AsyncIterator[ReconstructionFactory]:
    """Starts reconstruction servers on free loopback ports over the test box; stops them all.

    `await reconstruction_factory(capture_target)` finds capture at that address (static,
    no mDNS). A server started again on the same `data_dir` resumes the jobs left running
    (pass `port=` the old one's port to be found at the same address).
    """
    from services.reconstruction.app import assemble
    from services.reconstruction.settings import ReconstructionSettings
    from services.runtime.settings import load_settings

    started: list[Reconstruction] = []

    async def start(capture_target: str = "", **overrides: Any) -> Reconstruction:
        settings: dict[str, Any] = {
            "data_dir": data_dir,
            "host": "127.0.0.1",
            "port": 0,
            "advertise": False,
            "grace_s": 0.5,
            "discover_mdns": False,
            "static_services": f"capture={capture_target}" if capture_target else "",
        }
        settings.update(overrides)
        server = assemble(load_settings(ReconstructionSettings, **settings))
        await server.runtime.start()
        started.append(server)
        return server

    yield start
    for server in reversed(started):
        await server.runtime.stop(grace=0.2)
