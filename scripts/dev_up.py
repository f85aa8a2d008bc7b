"""Run the box on this machine without systemd: every service this version has, then
the UI, with a demo project that already has photos. Ctrl-C stops everything.

    scripts/dev-up [--data-dir DIR] [--host 0.0.0.0] [--ui-port 8080] [--no-demo]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from appliance.paths import default_data_dir
from services.runtime.tokens import TokenSigner, load_or_create_box_id, load_or_create_key

log = logging.getLogger("dev-up")

REPO = Path(__file__).resolve().parent.parent
#: Fixed local ports, the same the systemd units use, so cameras find a stable address.
PORTS = {"capture": 50051, "reconstruction": 50052, "patterns": 50053, "render": 50054}
DEMO_PROJECT = "demo-armchair"
DEMO_PIN = "1234"


def available_services() -> list[str]:
    """The services this checkout has (later ones appear as they are built)."""
    return [name for name in PORTS if (REPO / "services" / name / "__main__.py").exists()]


def wait_healthy(name: str, target: str, process: subprocess.Popen, timeout: float = 90) -> None:
    """Block until the service answers its health check, or fail with its exit."""
    deadline = time.monotonic() + timeout
    with grpc.insecure_channel(target) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit(f"{name} exited with code {process.returncode}; see above")
            with contextlib.suppress(grpc.RpcError):
                reply = stub.Check(health_pb2.HealthCheckRequest(), timeout=1)
                if reply.status == health_pb2.HealthCheckResponse.SERVING:
                    return
            time.sleep(0.3)
    raise SystemExit(f"{name} did not become healthy on {target} within {timeout:.0f} s")


def seed_demo(data_dir: Path, capture_target: str) -> None:
    """The demo owner, a demo project, and its photos uploaded through capture."""
    from scripts.sample_data import demo_photos
    from services.runtime.settings import load_settings
    from ui.capture_client import CaptureClient
    from ui.settings import UiSettings
    from ui.store import Store, ensure_demo_owner

    store = Store(load_settings(UiSettings, data_dir=data_dir).database_path)
    try:
        ensure_demo_owner(store.users)
        if not any(p.id == DEMO_PROJECT for p in store.projects.list()):
            store.projects.create(
                "Demo customer",
                "armchair",
                contact="demo@example.com",
                notes="Photos of a rendered club chair on the calibration mat.",
                status="capturing",
                project_id=DEMO_PROJECT,
            )
    finally:
        store.close()
    photos = demo_photos(data_dir / "demo-photos")
    signer = TokenSigner(load_or_create_key(data_dir), load_or_create_box_id(data_dir))
    token = signer.issue("dev-up", "owner", name="dev-up")

    async def upload() -> int:
        async def locate() -> str:
            return capture_target

        client = CaptureClient(locate)
        new = 0
        try:
            for path in photos:

                async def body(data: bytes = path.read_bytes()):
                    yield data

                reply = await client.upload_photo(
                    token,
                    project_id=DEMO_PROJECT,
                    filename=path.name,
                    chunks=body(),
                    size_bytes=path.stat().st_size,
                    camera_id="demo",
                )
                new += not reply.duplicate
        finally:
            await client.close()
        return new

    added = asyncio.run(upload())
    log.info("demo project %s: %d photos (%d new)", DEMO_PROJECT, len(photos), added)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None, help="default: var/ here")
    parser.add_argument("--host", default="0.0.0.0", help="address to serve on")
    parser.add_argument("--ui-port", type=int, default=8080)
    parser.add_argument("--no-demo", action="store_true", help="skip the demo project")
    parser.add_argument(
        "--port",
        action="append",
        default=[],
        metavar="SERVICE=PORT",
        help="move a service off its usual port, e.g. capture=6001 (repeatable)",
    )
    args = parser.parse_args(argv)
    ports = dict(PORTS)
    for item in args.port:
        name, _, port = item.partition("=")
        if name not in ports or not port.isdigit():
            parser.error(f"--port wants SERVICE=PORT with SERVICE one of {', '.join(PORTS)}")
        ports[name] = int(port)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")

    data_dir = (args.data_dir or default_data_dir()).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    services = available_services()
    static = ",".join(f"{name}=127.0.0.1:{ports[name]}" for name in services)
    env = {
        **os.environ,
        "STITCHSKETCH_DATA_DIR": str(data_dir),
        "STITCHSKETCH_HOST": args.host,
        "STITCHSKETCH_STATIC_SERVICES": static,
        "PYTHONUNBUFFERED": "1",
    }
    children: list[tuple[str, subprocess.Popen]] = []

    def stop_all(*_: object) -> None:
        for name, process in reversed(children):
            if process.poll() is None:
                log.info("stopping %s", name)
                process.terminate()
        for name, process in reversed(children):
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=15)
            if process.poll() is None:
                log.warning("%s did not stop in time; killing it", name)
                process.kill()
            log.info("%s stopped", name)

    # Ctrl-C and SIGTERM both stop the box. SIGINT is set explicitly: a shell starts
    # background jobs with it ignored, and Python would then never raise KeyboardInterrupt.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        for name in services:
            port = ports[name]
            log.info("starting %s on port %d", name, port)
            process = subprocess.Popen(
                [sys.executable, "-m", f"services.{name}"],
                cwd=REPO,
                env={**env, "STITCHSKETCH_PORT": str(port)},
            )
            children.append((name, process))
            wait_healthy(name, f"127.0.0.1:{port}", process)
        if not args.no_demo and "capture" in services:
            seed_demo(data_dir, f"127.0.0.1:{ports['capture']}")
        ui_args = [sys.executable, "-m", "ui", "--port", str(args.ui_port), "--demo-owner"]
        children.append(("ui", subprocess.Popen(ui_args, cwd=REPO, env=env)))
        print(
            f"\n  StitchSketch is running: http://localhost:{args.ui_port}"
            f"  (on the LAN: http://{_lan_name()}:{args.ui_port})\n"
            f"  Log in as Owner with PIN {DEMO_PIN}. Data: {data_dir}. Ctrl-C stops.\n",
            flush=True,
        )
        while all(process.poll() is None for _, process in children):
            time.sleep(0.5)
        dead = [name for name, process in children if process.poll() is not None]
        log.error("%s stopped unexpectedly; stopping the rest", ", ".join(dead))
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop_all()


def _lan_name() -> str:
    import socket

    return socket.gethostname()


if __name__ == "__main__":
    sys.exit(main())
