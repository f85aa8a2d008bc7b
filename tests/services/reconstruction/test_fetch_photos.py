"""The job's first stage against a real capture server: which photos, under which names,
verified by SHA-256, and resumable (only missing or damaged photos are fetched again)."""

from __future__ import annotations

import asyncio
import hashlib
import queue
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from services.capture.app import Capture
from services.errors import Cancelled, FailedPrecondition
from services.reconstruction.capture_client import CaptureAccess
from services.reconstruction.fetch_photos import fetch_photos, load_selection
from services.reconstruction.run_job import STAGES
from services.runtime.jobs import JobContext
from tests.services.capture import helpers
from tests.services.capture.helpers import Client

PROJECT = "chair-7"


class Job:
    """A real JobContext with its queue and stop event at hand."""

    def __init__(self, job_dir: Path):
        self.events: queue.Queue = queue.Queue()
        self.stop = threading.Event()
        self.ctx = JobContext(job_dir, self.events, self.stop, list(STAGES))

    def messages(self) -> list[tuple]:
        out = []
        while not self.events.empty():
            out.append(self.events.get_nowait())
        return out


@pytest.fixture
async def photos(capture_server: Capture, staff_token: str) -> dict[str, str]:
    """filename → id: three good photos (two with the same camera name) and a black one."""
    black = helpers.jpeg(640, 480, pixels=np.zeros((480, 640, 3), np.uint8))
    files = {"IMG_0001.JPG": helpers.jpeg(640, 480, seed=1),
             "DCIM/IMG_0001.jpg": helpers.jpeg(640, 480, seed=2),
             "side view?.png": helpers.png(640, 480, seed=3),
             "lens_cap.jpg": black}
    async with Client(capture_server.runtime.target, staff_token) as client:
        return {name: (await client.upload(data, project_id=PROJECT, filename=name)).photo.id
                for name, data in files.items()}


def params(data_dir: Path, capture: Capture, photo_ids: list[str] | None = None
           ) -> dict[str, Any]:
    access = CaptureAccess(str(data_dir), f"capture={capture.runtime.target}", False, 10.0)
    return {"project_id": PROJECT, "photo_ids": photo_ids or [],
            "capture": access.to_params(), "max_photos": 10}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def test_fetches_every_usable_photo_once_and_repairs_what_is_damaged(
        tmp_path: Path, data_dir: Path, capture_server: Capture, photos: dict[str, str]
) -> None:
    job = Job(tmp_path / "job")
    p = params(data_dir, capture_server)
    got = await asyncio.to_thread(fetch_photos, tmp_path / "job", p, job.ctx)
    twin = photos["DCIM/IMG_0001.jpg"][:8]  # same camera name: the id tells them apart
    assert [f.name for f in got] == ["IMG_0001.jpg", f"IMG_0001_{twin}.jpg", "side_view.png"]
    assert [sha(f) for f in got] == [photos[n] for n in ("IMG_0001.JPG", "DCIM/IMG_0001.jpg",
                                                         "side view?.png")]
    events = job.messages()
    assert ("log", "using 3 of 4 photos of chair-7 (1 left out: rejected by the quality "
                   "checks)") in events
    assert events[-1][:3] == ("progress", "fetch_photos", 1.0)

    # damaged and lost files are fetched again; the good one is left alone
    got[0].write_bytes(b"half a photo")
    got[1].unlink()
    kept = got[2].stat().st_mtime_ns
    again = await asyncio.to_thread(fetch_photos, tmp_path / "job", p, job.ctx)
    assert again == got and [sha(f) for f in again] == [sha(f) for f in got]
    assert sha(got[0]) == photos["IMG_0001.JPG"]
    assert got[2].stat().st_mtime_ns == kept

    # everything here: capture is not even asked
    await capture_server.runtime.stop(grace=0.1)
    job.messages()
    assert await asyncio.to_thread(fetch_photos, tmp_path / "job", p, job.ctx) == got
    assert job.messages() == [("progress", "fetch_photos", 1.0, "all 3 photos already here")]


async def test_named_photos_are_used_as_named_even_rejected_ones(
        tmp_path: Path, data_dir: Path, capture_server: Capture, photos: dict[str, str]
) -> None:
    chosen = [photos["lens_cap.jpg"], photos["side view?.png"], photos["IMG_0001.JPG"]]
    job = Job(tmp_path / "job")
    got = await asyncio.to_thread(fetch_photos, tmp_path / "job",
                                  params(data_dir, capture_server, chosen), job.ctx)
    assert [sha(f) for f in got] == chosen
    assert [s.filename for s in load_selection(tmp_path / "job")] == [
        "lens_cap.jpg", "side view?.png", "IMG_0001.JPG"]


async def test_too_few_photos_and_cancel(tmp_path: Path, data_dir: Path,
                                         capture_server: Capture, photos: dict[str, str]
                                         ) -> None:
    job = Job(tmp_path / "empty")
    p = params(data_dir, capture_server) | {"project_id": "empty-project"}
    with pytest.raises(FailedPrecondition, match="has no photos"):
        await asyncio.to_thread(fetch_photos, tmp_path / "empty", p, job.ctx)
    job = Job(tmp_path / "job")
    job.stop.set()
    with pytest.raises(Cancelled):
        await asyncio.to_thread(fetch_photos, tmp_path / "job", params(data_dir, capture_server),
                                job.ctx)
