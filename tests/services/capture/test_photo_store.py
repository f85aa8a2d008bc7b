"""The photo store on disk: idempotent adds, deletes, active capture, and a kill at every
step of an add or a delete leaving either no photo or a complete one."""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path

import pytest

from services.capture import photo_store
from services.capture.events import ACTIVE_CAPTURE_CHANGED, ADDED, PhotoEvent, PhotoEvents
from services.capture.photo_store import PhotoStore
from services.capture.records import PhotoRecord
from services.errors import InvalidArgument, NotFound, Unavailable
from tests.services.capture import helpers


def record(data: bytes, project: str = "p1", received: float = 1.0) -> PhotoRecord:
    return PhotoRecord(
        id=helpers.sha256(data),
        project_id=project,
        filename="a.jpg",
        camera_id="cam",
        capture_time=received,
        received_time=received,
        format="jpeg",
        size_bytes=len(data),
        width=64,
        height=48,
    )


def test_add_is_idempotent_and_survives_reopening(tmp_path: Path) -> None:
    store = PhotoStore(tmp_path)
    a, b = b"\xff\xd8\xff photo a", b"\xff\xd8\xff photo b"
    stored, dup = store.add(record(a, received=2.0), a, b"thumb a")
    assert not dup
    again, dup = store.add(record(a, received=9.0), a, b"thumb a")
    assert dup and again == stored
    store.add(record(b, received=1.0), b, b"thumb b")
    reopened = PhotoStore(tmp_path)
    assert [p.id for p in reopened.list("p1")] == [helpers.sha256(b), helpers.sha256(a)]
    assert reopened.original_path(stored).read_bytes() == a
    assert reopened.thumbnail_path(stored).read_bytes() == b"thumb a"
    assert reopened.get("p1", stored.id) == stored


def test_delete_and_not_found(tmp_path: Path) -> None:
    store = PhotoStore(tmp_path)
    data = b"\xff\xd8\xff x"
    stored, _ = store.add(record(data), data, b"t")
    store.delete("p1", stored.id)
    assert store.list("p1") == [] and sorted(os.listdir(tmp_path / "projects" / "p1")) == []
    with pytest.raises(NotFound):
        store.delete("p1", stored.id)
    with pytest.raises(InvalidArgument):
        store.get("p1", "../../etc/passwd")


@pytest.mark.parametrize("bad", ["", "a/b", "..", "x" * 65, "émile", "a b"])
def test_project_ids_are_checked(tmp_path: Path, bad: str) -> None:
    with pytest.raises(InvalidArgument):
        PhotoStore(tmp_path).list(bad)


def test_active_capture_is_persisted(tmp_path: Path) -> None:
    store = PhotoStore(tmp_path)
    assert store.active_project() == ""
    store.set_active_project("couch-1")
    assert PhotoStore(tmp_path).active_project() == "couch-1"
    store.set_active_project("")
    assert PhotoStore(tmp_path).active_project() == ""


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, not even `finally` clean-ups."""


class Crashing:
    """Filesystem steps of the store that raise Killed at step number `at`."""

    def __init__(self, at: int):
        self.at, self.step = at, 0

    def tick(self) -> None:
        if self.step == self.at:
            raise Killed
        self.step += 1

    def wrap(self, fn):
        def step(*args, **kwargs):
            self.tick()
            return fn(*args, **kwargs)

        return step


def run_until_killed(monkeypatch, at: int, action) -> bool:
    """Run `action` with a kill at filesystem step `at`; True if it finished first."""
    crash = Crashing(at)
    with monkeypatch.context() as m:
        m.setattr(photo_store, "_write_synced", crash.wrap(photo_store._write_synced))
        m.setattr(photo_store, "fsync_dir", crash.wrap(photo_store.fsync_dir))
        m.setattr(photo_store, "_unlink_quietly", lambda path: None)  # a kill cleans nothing
        real_replace = os.replace

        class Os:
            def __getattr__(self, name):
                return getattr(os, name)

            replace = staticmethod(crash.wrap(real_replace))

        m.setattr(photo_store, "os", Os())
        m.setattr(Path, "unlink", crash.wrap(Path.unlink))
        try:
            action()
        except Killed:
            return False
    return True


@pytest.mark.parametrize("at", range(10))
def test_a_kill_at_any_step_of_an_add_leaves_no_photo_or_a_whole_one(
    tmp_path: Path, monkeypatch, at: int
) -> None:
    data = b"\xff\xd8\xff the photo"
    finished = run_until_killed(
        monkeypatch, at, lambda: PhotoStore(tmp_path).add(record(data), data, b"thumb")
    )
    restarted = PhotoStore(tmp_path)
    restarted.recover()
    files = sorted(os.listdir(tmp_path / "projects" / "p1"))
    photos = restarted.list("p1")
    if photos:
        photo = photos[0]
        assert restarted.original_path(photo).read_bytes() == data
        assert restarted.thumbnail_path(photo).read_bytes() == b"thumb"
        assert len(files) == 3
    else:
        assert not finished and files == []
    # The retry after a restart stores it whole either way.
    stored, _ = restarted.add(record(data), data, b"thumb")
    assert PhotoStore(tmp_path).list("p1") == [stored]


@pytest.mark.parametrize("at", range(5))
def test_a_kill_at_any_step_of_a_delete_leaves_the_photo_or_nothing(
    tmp_path: Path, monkeypatch, at: int
) -> None:
    data = b"\xff\xd8\xff the photo"
    stored, _ = PhotoStore(tmp_path).add(record(data), data, b"thumb")
    run_until_killed(monkeypatch, at, lambda: PhotoStore(tmp_path).delete("p1", stored.id))
    restarted = PhotoStore(tmp_path)
    restarted.recover()
    files = sorted(os.listdir(tmp_path / "projects" / "p1"))
    assert (restarted.list("p1"), len(files)) in (([stored], 3), ([], 0))


def test_concurrent_adds_of_the_same_bytes_store_one(tmp_path: Path) -> None:
    store = PhotoStore(tmp_path)
    data = b"\xff\xd8\xff same"
    results: list[bool] = []

    def add() -> None:
        results.append(store.add(record(data), data, b"t")[1])

    threads = [threading.Thread(target=add) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] + [True] * 7
    assert len(os.listdir(tmp_path / "projects" / "p1")) == 3


async def test_events_reach_watchers_of_their_project() -> None:
    hub = PhotoEvents(queue_size=8)
    everything, p1, p2 = hub.subscribe(), hub.subscribe("p1"), hub.subscribe("p2")
    photo = record(b"x")
    hub.publish(PhotoEvent(ADDED, "p1", photo))
    hub.publish(PhotoEvent(ACTIVE_CAPTURE_CHANGED, "p3"))
    await hub.close()
    assert [e.type async for e in everything] == [ADDED, ACTIVE_CAPTURE_CHANGED]
    assert [e.type async for e in p1] == [ADDED, ACTIVE_CAPTURE_CHANGED]
    assert [e.type async for e in p2] == [ACTIVE_CAPTURE_CHANGED]


async def test_a_slow_watcher_is_cut_off_without_holding_up_others() -> None:
    hub = PhotoEvents(queue_size=3)
    slow, quick = hub.subscribe(), hub.subscribe()
    seen: list[str] = []

    async def read_quickly() -> None:
        async for event in quick:
            seen.append(event.photo.id if event.photo else "")

    reader = asyncio.create_task(read_quickly())
    for i in range(10):
        hub.publish(PhotoEvent(ADDED, "p1", record(bytes([i]))))
        await asyncio.sleep(0)
    await hub.close()
    await reader
    assert len(seen) == 10
    received = []
    with pytest.raises(Unavailable, match="fell behind"):
        async for event in slow:
            received.append(event)
    assert len(received) == 3 and hub.watchers == 0
