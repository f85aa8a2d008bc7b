"""Issue 2's acceptance scenario end to end: a camera agent pushes 20 photos into the
active capture, is killed after about 10 and restarted; the box stores exactly 20, none
twice, and the project page (NiceGUI's simulated user) shows each of them once."""

from __future__ import annotations

import asyncio
from pathlib import Path

from nicegui.testing import User

from services.runtime.client import open_channel
from services.runtime.server import ServiceRuntime
from stitchsketch.v1 import capture_pb2, capture_pb2_grpc, pairing_pb2, pairing_pb2_grpc
from tests.scripts.camera.conftest import AgentProcess, wait_until
from tests.scripts.camera.photos import write_photos
from tests.ui.conftest import Person
from tests.ui.helpers import login, new_project

N = 20


async def stored(capture: ServiceRuntime, project_id: str) -> list[capture_pb2.Photo]:
    token = capture.signer.issue("test:staff", "staff", name="test")
    async with open_channel(capture.target, token) as channel:
        reply = await capture_pb2_grpc.CaptureServiceStub(channel).ListPhotos(
            capture_pb2.ListPhotosRequest(project_id=project_id)
        )
    return list(reply.photos)


async def test_agent_killed_midway_every_photo_shown_once(
    ui_user: User, people: dict[str, Person], capture: ServiceRuntime, tmp_path: Path
) -> None:
    await login(ui_user, people["staff"])
    project_id = await new_project(ui_user, "Mr Okafor")
    ui_user.find(marker="start-capture").click()
    await ui_user.should_see(marker="stop-capture", retries=30)
    token = capture.signer.issue("test:staff", "staff", name="test")
    async with open_channel(capture.target, token) as channel:
        code = await pairing_pb2_grpc.PairingServiceStub(channel).CreatePairingCode(
            pairing_pb2.CreatePairingCodeRequest()
        )

    folder = tmp_path / "sd-card"
    folder.mkdir()
    agent = AgentProcess(
        [
            "watch",
            str(folder),
            "--box",
            capture.target,
            "--state-dir",
            str(tmp_path / "state"),
            "--name",
            "pi-rig",
            "--pair",
            code.code,
            "--settle",
            "0.2",
            "--poll",
            "0.1",
        ],
        tmp_path / "agent.log",
    ).start()
    try:
        await wait_until(lambda: "watching" in agent.log, 60, what=f"agent start\n{agent.log}")

        async def shoot() -> None:  # a camera dropping one photo at a time
            for i in range(N):
                write_photos(folder, 1, start=i)
                await asyncio.sleep(0.12)

        camera = asyncio.create_task(shoot())
        await wait_until_stored(capture, project_id, 10)
        agent.kill()
        killed_at = len(await stored(capture, project_id))
        assert killed_at < N, "the kill should land mid-way"
        await camera
        agent.start()
        await wait_until_stored(capture, project_id, N)
        await asyncio.sleep(1.0)  # ten more scans: nothing more may arrive
    finally:
        if agent.running():
            await agent.terminate()

    photos = await stored(capture, project_id)
    assert len(photos) == N and len({p.id for p in photos}) == N
    await ui_user.should_see(content=f"{N} photos · ", retries=100)
    for photo in photos:
        assert len(ui_user.find(content=photo.filename).elements) == 1, photo.filename


async def wait_until_stored(capture: ServiceRuntime, project_id: str, n: int) -> None:
    for _ in range(1200):
        if len(await stored(capture, project_id)) >= n:
            return
        await asyncio.sleep(0.05)
    raise TimeoutError(f"fewer than {n} photos stored")
