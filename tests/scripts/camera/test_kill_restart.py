"""The issue's acceptance test: a camera agent pushes 20 photos, is killed (SIGKILL)
after about 10 have been stored, and is restarted: exactly 20 photos are stored, none
twice, and the agent itself did not upload again what it had already sent."""

from __future__ import annotations

import asyncio
import hashlib
import re
from pathlib import Path

from scripts.camera.state import DUPLICATE, SENT, Ledger
from tests.scripts.camera.conftest import Box, wait_for_photos, wait_until
from tests.scripts.camera.photos import write_photos

N = 20
#: Time between two shots of the simulated camera (the agent keeps pace with it).
SHOT_INTERVAL_S = 0.12


async def shoot(folder: Path, n: int, done: list[Path]) -> None:
    """A camera dropping one photo at a time into the watched folder."""
    for i in range(n):
        done += write_photos(folder / "DCIM" / "100CANON", 1, start=i)
        await asyncio.sleep(SHOT_INTERVAL_S)


async def test_killed_and_restarted_agent_stores_each_photo_exactly_once(
    box: Box, agent_factory, tmp_path: Path
) -> None:
    folder, state = tmp_path / "tether", tmp_path / "state"
    folder.mkdir()
    code = await box.pairing_code()
    agent = agent_factory(
        "watch",
        str(folder),
        "--box",
        box.target,
        "--state-dir",
        str(state),
        "--name",
        "pi-rig-2",
        "--pair",
        code,
        "--settle",
        "0.2",
        "--poll",
        "0.1",
    ).start()

    # The camera starts shooting once the agent watches, so the agent keeps pace with it
    # and the kill lands mid-way even on a loaded machine.
    await wait_until(lambda: "watching" in agent.log, 60, what=f"agent start\n{agent.log}")
    shot: list[Path] = []
    camera = asyncio.create_task(shoot(folder, N, shot))
    stored_before_kill = await wait_for_photos(box, 10, timeout=60)
    agent.kill()
    assert agent.proc is not None and agent.proc.returncode == -9
    killed_at = len(await box.photos())
    with Ledger(state) as ledger:  # what the agent had recorded when it died
        recorded = {e.path for e in ledger.entries()}
    assert 10 <= killed_at < N, f"killed after {killed_at}: the test wants a kill mid-way"

    await camera  # the camera goes on shooting while the agent is down
    assert len(shot) == N
    agent.start()  # same command line; --pair is ignored now that it is paired
    stored = await wait_for_photos(box, N, timeout=60)
    await asyncio.sleep(1.0)  # ten more scans: nothing more may arrive
    assert await agent.terminate() == 0, agent.log

    # The box: exactly the 20 photos, each once.
    stored = await box.photos()
    assert len(stored) == N
    assert len({p.id for p in stored}) == N
    assert sorted(p.filename for p in stored) == sorted(p.name for p in shot)
    assert {p.id for p in stored} == {hashlib.sha256(p.read_bytes()).hexdigest() for p in shot}
    assert {p.id for p in stored_before_kill} <= {p.id for p in stored}

    # The agent: every photo recorded once; a resend can only be the one upload that
    # was in flight at the kill (stored by the box, not yet in the ledger), and the box
    # recognised it by its hash.
    with Ledger(state) as ledger:
        entries = ledger.entries()
    assert sorted(Path(e.path).name for e in entries) == sorted(p.name for p in shot)
    statuses = [e.status for e in entries]
    assert set(statuses) <= {SENT, DUPLICATE}
    assert statuses.count(DUPLICATE) <= 1, agent.log

    # ...and after the restart it uploaded exactly what the first run had not recorded.
    second = agent.log.split("--- run 2")[1]
    uploaded_again = re.findall(r"sent (\S+) \(\d+ bytes\)", second)
    uploaded_again += re.findall(r"(\S+) was already on the box", second)
    assert sorted(uploaded_again) == sorted(p.name for p in shot if str(p) not in recorded)
    assert len(recorded) >= killed_at - 1  # at most the upload in flight was unrecorded
