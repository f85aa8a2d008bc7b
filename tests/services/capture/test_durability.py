"""Durability of a real capture process: kill -9 in the middle of uploads, and a full disk."""

from __future__ import annotations

import asyncio
import io
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import grpc
import numpy as np
import pytest
from PIL import Image

from services.runtime.tokens import TokenSigner, load_or_create_box_id, load_or_create_key
from tests.services.capture import helpers
from tests.services.capture.helpers import PROJECT, Client

REPO = Path(__file__).resolve().parents[3]
_SERVING = re.compile(r"capture serving on (\d+)")


class CaptureProcess:
    """`python -m services.capture` on a free port, as systemd would run it."""

    def __init__(self, data_dir: Path, log: Path):
        self.data_dir, self.log = data_dir, log
        self.proc: subprocess.Popen | None = None
        self.target = ""

    def start(self, timeout: float = 30.0) -> None:
        env = {
            **os.environ,
            "STITCHSKETCH_DATA_DIR": str(self.data_dir),
            "STITCHSKETCH_HOST": "127.0.0.1",
            "STITCHSKETCH_PORT": "0",
            "STITCHSKETCH_ADVERTISE": "false",
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("STITCHSKETCH_CONFIG", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "services.capture"],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        port = threading.Event()
        lines: list[str] = []

        def pump() -> None:  # keeps reading so the pipe never fills; copies to the log
            with self.log.open("a") as log:
                for line in self.proc.stdout:  # type: ignore[union-attr]
                    log.write(line)
                    log.flush()
                    lines.append(line)
                    if found := _SERVING.search(line):
                        self.target = f"127.0.0.1:{found.group(1)}"
                        port.set()

        threading.Thread(target=pump, daemon=True).start()
        if not port.wait(timeout):
            self.kill()
            raise TimeoutError("capture did not start:\n" + "".join(lines))

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def capture_process(data_dir: Path, tmp_path: Path) -> Iterator[CaptureProcess]:
    process = CaptureProcess(data_dir, tmp_path / "capture.log")
    yield process
    process.stop()


@pytest.mark.slow
async def test_kill_9_during_uploads_loses_no_stored_photo_and_keeps_no_partial_one(
    capture_process: CaptureProcess, staff_token: str, data_dir: Path
) -> None:
    capture_process.start()
    photos = [helpers.jpeg(1200, 900, seed=200 + i, quality=95) for i in range(16)]
    stored: set[str] = set()
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for data in photos:
        queue.put_nowait(data)

    async def uploader() -> None:
        async with Client(capture_process.target, staff_token) as client:
            while not queue.empty():
                data = queue.get_nowait()
                try:
                    reply = await client.upload(data, project_id=PROJECT, chunk=256 * 1024)
                except grpc.aio.AioRpcError:
                    return  # the server died under us
                stored.add(reply.photo.id)

    async def killer() -> None:
        while len(stored) < 5:
            await asyncio.sleep(0.005)
        capture_process.kill()  # mid-stream or mid-write for the other uploaders

    await asyncio.gather(uploader(), uploader(), uploader(), killer())
    assert 5 <= len(stored) < len(photos)

    capture_process.start()
    async with Client(capture_process.target, staff_token) as client:
        listed = await client.list()
        assert stored <= {p.id for p in listed}  # every answered upload survived
        for photo in listed:  # and whatever is listed is whole
            _, body = await client.get(photo.id)
            assert helpers.sha256(body) == photo.id
            _, thumb = await client.get(photo.id, thumbnail=True)
            assert Image.open(io.BytesIO(thumb)).size == (320, 240)
        folder = data_dir / "capture" / "projects" / PROJECT
        names = sorted(os.listdir(folder))
        assert len(names) == 3 * len(listed), names  # no temp files, no orphans
        for data in photos:  # the camera's retries complete the set, without duplicates
            await client.upload(data, project_id=PROJECT)
        assert sorted(p.id for p in await client.list()) == sorted(map(helpers.sha256, photos))


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs (needs root); skips where mounting is not allowed."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.fixture
async def full_box(tiny_disk: Path, capture_factory) -> AsyncIterator[tuple]:
    """A capture server whose whole data directory is the tiny disk, and a staff client."""
    capture = await capture_factory(data_dir=tiny_disk)
    signer = TokenSigner(load_or_create_key(tiny_disk), load_or_create_box_id(tiny_disk))
    async with Client(capture.runtime.target, signer.issue("staff-1", "staff")) as client:
        yield capture, client


async def test_full_disk_refuses_with_resource_exhausted_and_keeps_photos(
    full_box: tuple, tiny_disk: Path
) -> None:
    _, client = full_box
    await client.set_active(PROJECT)
    kept = helpers.jpeg(seed=300)
    first = (await client.upload(kept)).photo
    noise = np.random.default_rng(1).integers(0, 256, (900, 900, 3), dtype=np.uint8)
    refusals = []
    for seed in range(4):  # ~1.2 MB of incompressible JPEG each: the 2 MB disk fills up
        big = helpers.jpeg(pixels=np.roll(noise, seed, axis=0), quality=95)
        try:
            await client.upload(big)
        except grpc.aio.AioRpcError as exc:
            refusals.append(exc)
    assert refusals, "the tiny disk never filled up"
    assert all(e.code() == grpc.StatusCode.RESOURCE_EXHAUSTED for e in refusals)
    assert "disk is full" in (refusals[0].details() or "")
    listed = await client.list()
    assert first.id in {p.id for p in listed}
    _, body = await client.get(first.id)
    assert body == kept
    folder = tiny_disk / "capture" / "projects" / PROJECT
    assert not [n for n in os.listdir(folder) if n.startswith(".")]  # temp files cleaned up
    assert len(os.listdir(folder)) == 3 * len(listed)
