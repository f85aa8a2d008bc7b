"""The camera agent against a real capture service: pairing, one-shot push, watching,
bad files, a box that is down or not capturing, a revoked token."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import stat
from pathlib import Path

import pytest

from scripts.camera.pairing import pair
from scripts.camera.state import REJECTED, SENT, Ledger, load_credentials
from tests.scripts.camera.conftest import Box, wait_for_photos, wait_until
from tests.scripts.camera.photos import jpeg_bytes, write_photos

FAST = ("--settle", "0.2", "--poll", "0.1")


def run_args(command: str, folder: Path, box: Box, state: Path, *extra: str) -> list[str]:
    return [
        command,
        str(folder),
        "--box",
        box.target,
        "--state-dir",
        str(state),
        "--name",
        "test-cam",
        *FAST,
        *extra,
    ]


def last_run(log: str) -> str:
    return log.rsplit("--- run", 1)[-1]


async def test_pair_then_push_once_and_again(box: Box, agent_factory, tmp_path: Path) -> None:
    folder, state = tmp_path / "card", tmp_path / "state"
    photos = write_photos(folder / "DCIM" / "100CANON", 3)
    for seed, (name, fmt) in enumerate([("phone.png", "PNG"), ("IMG_4242.HEIC", "HEIF")]):
        photos.append(folder / "phone" / name)
        photos[-1].parent.mkdir(exist_ok=True)
        photos[-1].write_bytes(jpeg_bytes(50 + seed, fmt=fmt))
    (folder / "phone" / "readme.txt").write_text("not a photo: never sent")
    code = await box.pairing_code()

    agent = agent_factory(*run_args("push", folder, box, state, "--pair", code))
    assert await agent.start().wait() == 0, agent.log
    assert "5 sent, 0 already on the box, 0 already sent earlier, 0 rejected" in agent.log
    creds_file = state / "device.json"
    assert stat.S_IMODE(creds_file.stat().st_mode) == 0o600
    creds = load_credentials(state)
    assert creds is not None and creds.name == "test-cam" and creds.device_token

    stored = await box.photos()
    assert sorted(p.filename for p in stored) == sorted(p.name for p in photos)
    assert {p.id for p in stored} == {hashlib.sha256(p.read_bytes()).hexdigest() for p in photos}
    assert {p.camera_id for p in stored} == {"test-cam"}
    assert sorted(p.format for p in stored) == ["heic", "jpeg", "jpeg", "jpeg", "png"]

    # Again, with a new photo and a copy of an old one under another name: only the new
    # one goes; the code is not needed (nor used) any more.
    write_photos(folder, 1, start=10)
    shutil.copy(photos[0], folder / "COPY_OF_0000.JPG")
    assert await agent.start().wait() == 0, agent.log
    assert "1 sent, 0 already on the box, 6 already sent earlier, 0 rejected" in last_run(agent.log)
    assert "ignoring --pair" in last_run(agent.log)
    assert len(await box.photos()) == 6
    with Ledger(state) as ledger:
        assert [e.status for e in ledger.entries()].count(SENT) == 7  # 6 sent + the copy


async def test_pair_command_and_its_mistakes(box: Box, agent_factory, tmp_path: Path) -> None:
    state = tmp_path / "state"
    unpaired = agent_factory(*run_args("watch", tmp_path, box, state), log_name="unpaired.log")
    assert await unpaired.start().wait() == 2
    assert "not paired yet" in unpaired.log and "stitchsketch-camera pair CODE" in unpaired.log

    common = ("--box", box.target, "--state-dir", str(state), "--name", "rig")
    wrong = agent_factory("pair", "000000", *common, log_name="wrong.log")
    assert await wrong.start().wait() == 2
    assert "pairing refused" in wrong.log and "new code on the kiosk" in wrong.log
    assert load_credentials(state) is None

    right = agent_factory("pair", await box.pairing_code(), *common, log_name="right.log")
    assert await right.start().wait() == 0, right.log
    assert "paired as 'rig'" in right.log
    assert load_credentials(state) is not None


async def test_bad_files_are_reported_once_and_not_retried(
    box: Box, agent_factory, tmp_path: Path
) -> None:
    folder, state = tmp_path / "card", tmp_path / "state"
    write_photos(folder, 2)
    good = jpeg_bytes(99)
    # Looks finished (ends with EOI), but the middle is garbage: the box refuses it.
    (folder / "BROKEN.JPG").write_bytes(good[:600] + b"\x00" * 3000 + b"\xff\xd9")
    (folder / "NOTES.PNG").write_bytes(b"shopping list: foam, batting, staples\n")
    await pair(box.target, await box.pairing_code(), "test-cam", state)

    agent = agent_factory(*run_args("push", folder, box, state))
    assert await agent.start().wait() == 1, agent.log
    assert "2 sent, 0 already on the box, 0 already sent earlier, 2 rejected" in agent.log
    assert agent.log.count("REJECTED") == 2
    assert "BROKEN.JPG" in agent.log and "NOTES.PNG" in agent.log

    # A second push does not send them again and does not fail for old news.
    assert await agent.start().wait() == 0, agent.log
    second = last_run(agent.log)
    assert "0 sent" in second and "(2 more rejected earlier)" in second
    assert "REJECTED" not in second
    assert len(await box.photos()) == 2
    with Ledger(state) as ledger:
        assert sorted(e.status for e in ledger.entries()) == [REJECTED, REJECTED, SENT, SENT]


async def test_watch_waits_for_half_written_files(box: Box, agent_factory, tmp_path: Path) -> None:
    folder, state = tmp_path / "sync", tmp_path / "state"
    folder.mkdir()
    code = await box.pairing_code()
    agent = agent_factory(*run_args("watch", folder, box, state, "--pair", code)).start()

    data = jpeg_bytes(7)
    half = folder / "IMG_HALF.JPG"
    half.write_bytes(data[: len(data) // 2])  # a slow card reader, mid-copy
    await wait_until(lambda: "watching" in agent.log, 20, what="agent start")
    for _ in range(30):  # 1.5 s: many settle periods, yet nothing may be sent
        assert agent.running(), agent.log
        assert await box.photos() == []
        await asyncio.sleep(0.05)
    with half.open("ab") as f:
        f.write(data[len(data) // 2 :])
    stored = await wait_for_photos(box, 1)
    assert len(stored) == 1 and stored[0].size_bytes == len(data)
    assert stored[0].id == hashlib.sha256(data).hexdigest()

    # A bad file in watch mode is refused once, then left alone.
    (folder / "BAD.JPG").write_bytes(b"\xff\xd8\xff" + b"nonsense" * 100 + b"\xff\xd9")
    await wait_until(lambda: "REJECTED" in agent.log, 20, what="rejection")
    await asyncio.sleep(1.0)  # ten more scans
    assert agent.log.count("REJECTED") == 1
    assert await agent.terminate() == 0
    assert "stopped" in agent.log
    assert len(await box.photos()) == 1


async def test_box_down_at_start_then_up(box: Box, agent_factory, tmp_path: Path) -> None:
    folder, state = tmp_path / "card", tmp_path / "state"
    await pair(box.target, await box.pairing_code(), "test-cam", state)
    await box.stop()
    write_photos(folder, 3)
    agent = agent_factory(*run_args("watch", folder, box, state)).start()
    await wait_until(lambda: "not sent (UNAVAILABLE" in agent.log, 20, what="a retry")
    assert agent.running()
    await box.start()  # same port, same data: the box came back
    stored = await wait_for_photos(box, 3)
    assert len(stored) == 3
    assert await agent.terminate() == 0


async def test_waits_for_a_project_to_capture(box: Box, agent_factory, tmp_path: Path) -> None:
    folder, state = tmp_path / "card", tmp_path / "state"
    write_photos(folder, 2)
    await pair(box.target, await box.pairing_code(), "test-cam", state)
    await box.set_active("")
    agent = agent_factory(*run_args("push", folder, box, state, "--retry-for", "60")).start()
    await wait_until(lambda: "start capturing a project" in agent.log, 20, what="waiting")
    await box.set_active("couch-1")
    assert await agent.wait() == 0, agent.log
    assert "2 sent" in agent.log
    assert len(await box.photos()) == 2


async def test_revoked_camera_stops_and_says_pair_again(
    box: Box, agent_factory, tmp_path: Path
) -> None:
    folder, state = tmp_path / "card", tmp_path / "state"
    write_photos(folder, 1)
    await pair(box.target, await box.pairing_code(), "test-cam", state)
    await box.revoke_all()
    agent = agent_factory(*run_args("watch", folder, box, state)).start()
    assert await agent.wait() == 3, agent.log
    assert "Pair again" in agent.log
    assert await box.photos() == []


async def test_finds_its_box_over_mdns(box: Box, agent_factory, tmp_path: Path) -> None:
    """Without --box the agent browses for the capture service, preferring the box it
    paired with (other boxes, e.g. other tests' on this LAN, may be announced too)."""
    from appliance.mdns import Discovery

    await box.stop()
    box.advertise = True
    await box.start()
    discovery = Discovery(box_id=box.box_id)
    await discovery.start()
    try:
        await wait_until(
            lambda: any(e.box_id == box.box_id for e in discovery.endpoints("capture")), 10
        )
    except TimeoutError:
        pytest.skip("multicast DNS does not work on this host")
    finally:
        await discovery.close()
    folder, state = tmp_path / "card", tmp_path / "state"
    write_photos(folder, 2)
    await pair(box.target, await box.pairing_code(), "test-cam", state)
    agent = agent_factory("push", str(folder), "--state-dir", str(state), *FAST)
    assert await agent.start().wait() == 0, agent.log
    assert "2 sent" in agent.log and f"(box {box.box_id}, via mdns)" in agent.log
    assert len(await box.photos()) == 2


async def test_push_to_an_unreachable_box_fails_fast(
    box: Box, agent_factory, tmp_path: Path
) -> None:
    folder, state = tmp_path / "card", tmp_path / "state"
    write_photos(folder, 3)
    await pair(box.target, await box.pairing_code(), "test-cam", state)
    await box.stop()
    agent = agent_factory(*run_args("push", folder, box, state, "--retry-for", "2")).start()
    assert await agent.wait() == 1, agent.log
    assert "0 sent, 0 already on the box, 0 already sent earlier, 0 rejected, 3 failed" in (
        agent.log
    )
    assert "2 more photo(s) not tried" in agent.log
    with Ledger(state) as ledger:
        assert ledger.entries() == []  # nothing recorded: the next push sends them all
