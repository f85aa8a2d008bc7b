"""The agent's memory: credentials file, ledger, lock; and how failures are classified."""

from __future__ import annotations

import io
import random
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import grpc
import pytest
from PIL import Image

from scripts.camera.photo import exif_time, read_photo
from scripts.camera.scan import FileVersion
from scripts.camera.state import (
    DUPLICATE,
    REJECTED,
    SENT,
    Credentials,
    Ledger,
    StateLock,
    load_credentials,
    save_credentials,
)
from scripts.camera.uploader import BACKOFF, Action, classify
from services.errors import FailedPrecondition


def test_credentials_are_private_and_survive(tmp_path: Path) -> None:
    state = tmp_path / "state"
    assert load_credentials(state) is None
    creds = Credentials("dev1", "tok", "box1", "pi-rig", "127.0.0.1:5", 12.0)
    path = save_credentials(state, creds)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    assert load_credentials(state) == creds
    assert not [p for p in state.iterdir() if p.name.endswith(".tmp")]


def test_ledger_remembers_across_reopen(tmp_path: Path) -> None:
    with Ledger(tmp_path) as ledger:
        ledger.record(sha256="aa", path="/c/1.jpg", box_id="b", status=SENT, size=5, mtime_ns=7)
        ledger.record(
            sha256="bb",
            path="/c/2.jpg",
            box_id="b",
            status=REJECTED,
            size=3,
            mtime_ns=8,
            detail="not an image",
        )
        with pytest.raises(ValueError):
            ledger.record(sha256="cc", path="/c/3.jpg", box_id="b", status="x", size=1, mtime_ns=1)
    with Ledger(tmp_path) as ledger:
        assert ledger.status_of("aa", "b") == SENT
        assert ledger.status_of("aa", "other-box") is None  # another box never saw it
        assert ledger.status_of("bb", "b") == REJECTED
        assert ledger.known_file("/c/1.jpg", 5, 7, "b") == SENT
        assert ledger.known_file("/c/1.jpg", 5, 9, "b") is None  # changed since
        # The same bytes under a second name: sent wins over anything else.
        ledger.record(
            sha256="aa", path="/c/copy.jpg", box_id="b", status=DUPLICATE, size=5, mtime_ns=1
        )
        assert ledger.status_of("aa", "b") == SENT
        assert [e.path for e in ledger.entries("b")] == ["/c/1.jpg", "/c/2.jpg", "/c/copy.jpg"]


def test_one_agent_per_state_dir(tmp_path: Path) -> None:
    with StateLock(tmp_path), pytest.raises(FailedPrecondition, match="another camera agent"):
        StateLock(tmp_path).__enter__()
    with StateLock(tmp_path):  # released on exit
        pass


@pytest.mark.parametrize(
    ("code", "message", "action", "fields"),
    [
        (grpc.StatusCode.UNAVAILABLE, "connection refused", Action.RETRY, []),
        (grpc.StatusCode.DEADLINE_EXCEEDED, "", Action.RETRY, []),
        (grpc.StatusCode.INTERNAL, "internal error", Action.RETRY, []),
        (
            grpc.StatusCode.RESOURCE_EXHAUSTED,
            "the box's disk is full: free space",
            Action.DISK_FULL,
            [],
        ),
        (
            grpc.StatusCode.RESOURCE_EXHAUSTED,
            "photo is 300 MB, over the 100 MB limit",
            Action.REJECT,
            [],
        ),
        (grpc.StatusCode.INVALID_ARGUMENT, "not an image", Action.REJECT, []),
        (grpc.StatusCode.FAILED_PRECONDITION, "no project is capturing", Action.WAIT_PROJECT, []),
        (grpc.StatusCode.UNAUTHENTICATED, "this device was unpaired", Action.STOP, []),
        (grpc.StatusCode.PERMISSION_DENIED, "needs photos:upload", Action.STOP, []),
        (
            grpc.StatusCode.RESOURCE_EXHAUSTED,
            "more pixels than the box accepts",
            Action.REJECT,
            ["data"],
        ),
        (
            grpc.StatusCode.INVALID_ARGUMENT,
            "damaged on the way",
            Action.RESEND,
            ["metadata.sha256"],
        ),
        (grpc.StatusCode.INVALID_ARGUMENT, "truncated", Action.REJECT, ["data"]),
    ],
)
def test_what_each_failure_means(
    code: grpc.StatusCode, message: str, action: Action, fields: list[str]
) -> None:
    assert classify(code, message, fields) is action


def test_backoff_grows_with_jitter_and_a_cap() -> None:
    rng = random.Random(1)
    retry = BACKOFF[Action.RETRY]
    delays = [retry.delay(n, rng) for n in range(1, 12)]
    assert all(retry.base_s / 2 <= d <= retry.cap_s for d in delays)
    assert delays[4] > delays[0] and max(delays) <= retry.cap_s
    assert len({round(d, 6) for d in delays[-4:]}) == 4  # jittered, not lock-step
    assert BACKOFF[Action.DISK_FULL].delay(1, rng) > BACKOFF[Action.RETRY].delay(1, rng)


def test_capture_time_from_exif_or_mtime(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2024:05:06 07:08:09"
    exif.get_ifd(0x8769)[0x9011] = "+02:00"
    out = io.BytesIO()
    Image.new("RGB", (16, 16), "gray").save(out, format="JPEG", exif=exif)
    taken = exif_time(out.getvalue())
    assert taken == datetime(2024, 5, 6, 5, 8, 9, tzinfo=UTC)
    assert taken.utcoffset() == timedelta(hours=2)

    path = tmp_path / "plain.jpg"
    Image.new("RGB", (16, 16), "gray").save(path)
    st = path.stat()
    photo = read_photo(FileVersion(path, st.st_size, st.st_mtime_ns))
    assert photo is not None and photo.size == st.st_size
    assert abs(photo.capture_time.timestamp() - st.st_mtime) < 1e-3
    assert read_photo(FileVersion(path, st.st_size + 1, st.st_mtime_ns)) is None  # changed
