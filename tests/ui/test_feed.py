"""The photo feed against a real capture server: events, and reconnecting after a restart."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

from services.capture.app import build
from services.capture.settings import CaptureSettings
from services.runtime.server import ServiceRuntime
from services.runtime.tokens import TokenSigner, load_or_create_box_id, load_or_create_key
from stitchsketch.v1 import capture_pb2
from tests.ui.photos import jpeg
from ui.capture_client import CaptureClient
from ui.feed import ALL, PhotoFeed


async def _until(condition, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def test_feed_relays_events_and_survives_a_capture_restart(data_dir: Path) -> None:
    settings = CaptureSettings(data_dir=data_dir, host="127.0.0.1", port=0, advertise=False)
    runtime: ServiceRuntime = build(settings)
    port = await runtime.start()
    target = runtime.target
    signer = TokenSigner(load_or_create_key(data_dir), load_or_create_box_id(data_dir))
    staff = signer.issue("test:staff", "staff")

    async def locate() -> str:
        return target

    client = CaptureClient(locate)
    feed = PhotoFeed(client, lambda: signer.issue("test:feed", "viewer"))
    seen: list[capture_pb2.PhotoEvent | None] = []
    everything: list[capture_pb2.PhotoEvent | None] = []
    feed.subscribe("proj-a", seen.append)
    unsubscribe = feed.subscribe(ALL, everything.append)
    feed.start()
    try:
        await _until(lambda: feed.live)
        assert seen == [None]  # "reload": whatever a page showed may be stale
        await client.upload_photo(
            staff, project_id="proj-a", filename="A.JPG", chunks=_chunks(jpeg(1))
        )
        await client.upload_photo(
            staff, project_id="proj-b", filename="B.JPG", chunks=_chunks(jpeg(2))
        )
        await _until(lambda: len(everything) == 3)
        assert [e.photo.filename for e in seen[1:]] == ["A.JPG"]
        await client.set_active_capture(staff, "proj-b")
        await _until(lambda: feed.active_project == "proj-b")
        unsubscribe()

        await runtime.stop(0)
        await _until(lambda: not feed.live)
        assert "capture service unavailable" in feed.problem
        assert "retrying in" in feed.problem

        restarted = build(settings.model_copy(update={"port": port}))
        await restarted.start()
        try:
            await _until(lambda: feed.live, timeout=15)
            assert seen[-1] is None  # pages reload after the gap
            assert feed.active_project == "proj-b"  # capture persisted it
            await client.upload_photo(
                staff, project_id="proj-a", filename="C.JPG", chunks=_chunks(jpeg(3))
            )
            await _until(lambda: seen[-1] is not None and seen[-1].photo.filename == "C.JPG")
        finally:
            await restarted.stop(0)
    finally:
        await feed.stop()
        await client.close()
        await runtime.stop(0)
    assert feed.subscriber_count() == 1
