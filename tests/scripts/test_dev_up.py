"""`scripts/dev-up`'s program, for real: services, demo project with photos, the UI."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from scripts.dev_up import DEMO_PROJECT, available_services
from services.runtime.client import open_channel
from services.runtime.tokens import TokenSigner, load_or_create_box_id, load_or_create_key
from stitchsketch.v1 import capture_pb2, capture_pb2_grpc

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def list_demo_photos(data_dir: Path, target: str) -> list[capture_pb2.Photo]:
    signer = TokenSigner(load_or_create_key(data_dir), load_or_create_box_id(data_dir))
    async with open_channel(target, signer.issue("test", "viewer")) as channel:
        stub = capture_pb2_grpc.CaptureServiceStub(channel)
        reply = await stub.ListPhotos(capture_pb2.ListPhotosRequest(project_id=DEMO_PROJECT))
    return list(reply.photos)


@pytest.mark.slow
def test_dev_up_runs_the_box_with_a_demo_project(tmp_path: Path) -> None:
    ports = {name: free_port() for name in available_services()}
    ui_port = free_port()
    command = [
        sys.executable,
        "-m",
        "scripts.dev_up",
        "--data-dir",
        str(tmp_path),
        "--host",
        "127.0.0.1",
        "--ui-port",
        str(ui_port),
        *(f"--port={name}={port}" for name, port in ports.items()),
    ]
    # NiceGUI switches to its test mode when it sees pytest's variable; a real box does not
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
    process = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    output: list[str] = []
    try:
        deadline = time.monotonic() + 240
        assert process.stdout is not None
        while not any("StitchSketch is running" in line for line in output):
            line = process.stdout.readline()
            assert line or process.poll() is None, "dev-up exited:\n" + "".join(output)
            output.append(line)
            assert time.monotonic() < deadline, "dev-up did not come up:\n" + "".join(output)
        assert "PIN 1234" in "".join(output)
        # keep reading, so a full pipe never blocks the box's logging
        threading.Thread(target=lambda: output.extend(process.stdout), daemon=True).start()
        photos = asyncio.run(list_demo_photos(tmp_path, f"127.0.0.1:{ports['capture']}"))
        assert len(photos) == 12
        for _ in range(100):  # the UI process binds its port shortly after the banner
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{ui_port}/login", timeout=5) as r:
                    assert r.status == 200
                    break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("the UI never answered:\n" + "".join(output))
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    assert process.returncode == 0
