"""Ingest benchmark: concurrent paired cameras upload 12 MP JPEGs to a real capture server.

    .venv/bin/python -m scripts.bench.ingest [PHOTO_DIR] [--clients N] [--photos M]

The capture server runs as its own process (`python -m services.capture`, all checks
on: hash, decode, EXIF, quality, near-duplicates, thumbnail, fsynced writes), so the
figures include its real start-up-free steady state and share the machine's cores
with the clients, as on the box. The clients (N camera tokens from real pairing, one
gRPC channel each) and one WatchPhotos stream run in this process.

Each upload is a distinct file: the base photos (PHOTO_DIR, else generated 12 MP
JPEGs) get a unique JPEG comment segment per upload, so no upload is a duplicate.

Prints photos/s, MB/s and the time from an upload's response to its ADDED event in
the watch stream (p50/p95; an event seen before the response counts as 0 ms). Last
line: one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import psutil

from services.runtime.client import open_channel
from services.runtime.tokens import TokenSigner, load_or_create_box_id, load_or_create_key
from stitchsketch.v1 import capture_pb2, capture_pb2_grpc, common_pb2, pairing_pb2, pairing_pb2_grpc

PROJECT = "bench"
CHUNK = 1024 * 1024
REPO = Path(__file__).resolve().parents[2]


def base_photos(photo_dir: Path | None, work: Path, count: int, generator: str) -> list[bytes]:
    """The JPEGs to upload: from `photo_dir`, else 12 MP ones generated once.

    "sample": the project's photo-like renders (scripts.sample_data, about 2 MB each);
    "grain": shading plus sensor-like grain at quality 90 (about 4.4 MB, like a phone
    photo of a busy fabric; decoding cost grows with the bytes).
    """
    if photo_dir is not None:
        files = sorted(p for p in photo_dir.iterdir() if p.suffix.lower() in (".jpg", ".jpeg"))
        if not files:
            sys.exit(f"no JPEGs in {photo_dir}")
        return [p.read_bytes() for p in files[:count]]
    print(f"generating {count} 12 MP JPEGs ({generator}) …", flush=True)
    if generator == "sample":
        from scripts.sample_data.photos import sample_jpegs

        paths = sample_jpegs(work / "photos", count, size=(4000, 3000), seed=0)
        return [p.read_bytes() for p in paths]
    return [_textured_jpeg(seed) for seed in range(count)]


def _textured_jpeg(seed: int, size: tuple[int, int] = (4000, 3000)) -> bytes:
    """A photo-like 12 MP JPEG (~4.5 MB): smooth shading plus fine grain."""
    import io

    import cv2
    from PIL import Image

    rng = np.random.default_rng(seed)
    w, h = size
    low = rng.random((h // 100, w // 100, 3)).astype(np.float32)
    img = cv2.resize(low, (w, h), interpolation=cv2.INTER_CUBIC) * 200
    img += rng.normal(0, 12, (h, w, 3)).astype(np.float32)
    out = io.BytesIO()
    Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).save(out, "JPEG", quality=90)
    return out.getvalue()


def unique(jpeg: bytes, n: int) -> bytes:
    """`jpeg` with a comment segment naming upload `n`: new bytes, same pixels."""
    comment = f"stitchsketch bench upload {n}".encode()
    return jpeg[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + jpeg[2:]


def start_server(command: list[str], env: dict[str, str], timeout: float = 60.0) -> tuple:
    """Start the capture process on port 0; (process, target) once it says where it listens."""
    server = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    found: list[str] = []
    ready = threading.Event()

    def pump() -> None:  # forwards the server's output and never lets the pipe fill
        for line in server.stdout:  # type: ignore[union-attr]
            if not found and (match := re.search(r"capture serving on (\d+)", line)):
                found.append(f"127.0.0.1:{match.group(1)}")
                ready.set()
            elif "WARNING" in line or "ERROR" in line or "Traceback" in line:
                print(f"  server: {line.rstrip()}", flush=True)

    threading.Thread(target=pump, daemon=True).start()
    if not ready.wait(timeout):
        server.kill()
        sys.exit("the capture server did not start")
    return server, found[0]


async def upload(stub: capture_pb2_grpc.CaptureServiceStub, data: bytes, name: str):
    async def requests():
        meta = capture_pb2.PhotoMetadata(filename=name, size_bytes=len(data))
        yield capture_pb2.UploadPhotoRequest(metadata=meta)
        view = memoryview(data)
        for offset in range(0, len(data), CHUNK):
            chunk = common_pb2.Chunk(offset=offset, data=bytes(view[offset : offset + CHUNK]))
            yield capture_pb2.UploadPhotoRequest(chunk=chunk)

    return await stub.UploadPhoto(requests())


async def run(args: argparse.Namespace, work: Path) -> dict[str, float]:
    photos = base_photos(args.photo_dir, work, args.distinct, args.generator)
    mean_mb = sum(map(len, photos)) / len(photos) / 1e6
    print(f"{len(photos)} base photos, {mean_mb:.1f} MB each on average", flush=True)
    data_dir = work / "data"
    env = {
        **os.environ,
        "STITCHSKETCH_DATA_DIR": str(data_dir),
        "STITCHSKETCH_HOST": "127.0.0.1",
        "STITCHSKETCH_PORT": "0",
        "STITCHSKETCH_ADVERTISE": "false",
        "STITCHSKETCH_LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("STITCHSKETCH_CONFIG", None)
    command = [sys.executable, "-m", "services.capture"]
    if args.profile:  # sample every thread of the server, GIL-idle ones too
        spy = Path(sys.executable).with_name("py-spy")
        command = [
            str(spy),
            "record",
            "--format",
            "raw",
            "--threads",
            "--nonblocking",
            "-o",
            str(args.profile.resolve()),
            "--",
            *command,
        ]
    server, target = start_server(command, env)
    try:
        print(f"capture server (pid {server.pid}) serving on {target}", flush=True)
        signer = TokenSigner(load_or_create_key(data_dir), load_or_create_box_id(data_dir))
        proc = psutil.Process(server.pid)
        ours = (proc, psutil.Process())
        before = [p.cpu_times() for p in ours], psutil.cpu_times(), time.monotonic()
        result = await measure(args, target, signer, photos)
        after = [p.cpu_times() for p in ours], psutil.cpu_times(), time.monotonic()
        used = [
            a.user + a.system - b.user - b.system for a, b in zip(after[0], before[0], strict=True)
        ]
        busy = _busy(after[1]) - _busy(before[1])
        cores = psutil.cpu_count() or 1
        others = max(0.0, busy - sum(used)) / (after[2] - before[2])
        per_photo = [u / args.photos * 1000 for u in used]
        kernel = (after[0][0].system - before[0][0].system) / args.photos * 1000
        print(
            f"CPU per photo: server {per_photo[0]:.0f} ms ({kernel:.0f} in the kernel), "
            f"clients and watcher "
            f"{per_photo[1]:.0f} ms: at most {cores * 1000 / sum(per_photo):.0f} photos/s on "
            f"{cores} idle cores; other processes kept {others:.1f} of them busy meanwhile",
            flush=True,
        )
        return result
    finally:
        server.send_signal(2 if args.profile else 15)  # py-spy writes its file on SIGINT
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()


def _busy(times) -> float:
    """Seconds all CPUs spent not idle."""
    idle = ("idle", "iowait", "guest", "guest_nice")  # guest time is counted in user too
    return sum(v for k, v in times._asdict().items() if k not in idle)


async def measure(
    args: argparse.Namespace, target: str, signer: TokenSigner, photos: list[bytes]
) -> dict[str, float]:
    staff = signer.issue("bench-staff", "staff", name="bench")
    async with open_channel(target, staff) as channel:
        capture = capture_pb2_grpc.CaptureServiceStub(channel)
        pairing = pairing_pb2_grpc.PairingServiceStub(channel)
        await capture.SetActiveCapture(capture_pb2.SetActiveCaptureRequest(project_id=PROJECT))
        tokens = []
        for i in range(args.clients):
            code = (await pairing.CreatePairingCode(pairing_pb2.CreatePairingCodeRequest())).code
            paired = await pairing.PairDevice(
                pairing_pb2.PairDeviceRequest(code=code, device_name=f"bench-cam-{i}")
            )
            tokens.append(paired.device_token)
        print(f"paired {len(tokens)} cameras; uploading {args.photos} photos", flush=True)

        seen: dict[str, float] = {}
        watch = capture.WatchPhotos(capture_pb2.WatchPhotosRequest(project_id=PROJECT))
        await watch.initial_metadata()

        async def follow() -> None:
            async for event in watch:
                if event.type == capture_pb2.PHOTO_EVENT_TYPE_ADDED:
                    seen[event.photo.id] = time.perf_counter()

        follower = asyncio.create_task(follow())
        jobs: asyncio.Queue[int] = asyncio.Queue()
        for n in range(args.photos):
            jobs.put_nowait(n)
        answered: dict[str, float] = {}
        sent_bytes = 0

        async def camera(token: str) -> None:
            nonlocal sent_bytes
            async with open_channel(target, token) as cam_channel:
                stub = capture_pb2_grpc.CaptureServiceStub(cam_channel)
                while not jobs.empty():
                    n = jobs.get_nowait()
                    data = unique(photos[n % len(photos)], n)
                    reply = await upload(stub, data, f"IMG_{n:04d}.JPG")
                    answered[reply.photo.id] = time.perf_counter()
                    sent_bytes += len(data)
                    if reply.duplicate:
                        raise RuntimeError("a benchmark upload came back as a duplicate")

        started = time.perf_counter()
        await asyncio.gather(*(camera(t) for t in tokens))
        wall = time.perf_counter() - started
        deadline = time.perf_counter() + 10
        while len(seen) < len(answered) and time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
        follower.cancel()
        watch.cancel()

    lat = np.array([max(0.0, seen[p] - t) * 1000 for p, t in answered.items() if p in seen])
    early = sum(1 for p, t in answered.items() if p in seen and seen[p] < t)
    missing = len(answered) - len(lat)
    print(
        f"{len(answered)} photos, {sent_bytes / 1e6:.0f} MB in {wall:.2f} s with "
        f"{args.clients} cameras; {early} events arrived before their upload's response"
        + (f"; {missing} events MISSING" if missing else ""),
        flush=True,
    )
    return {
        "photos_per_s": round(len(answered) / wall, 2),
        "mb_per_s": round(sent_bytes / wall / 1e6, 1),
        "p50_visible_ms": round(float(np.percentile(lat, 50)), 1) if len(lat) else -1.0,
        "p95_visible_ms": round(float(np.percentile(lat, 95)), 1) if len(lat) else -1.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("photo_dir", nargs="?", type=Path, help="folder of JPEGs to upload")
    parser.add_argument("--clients", type=int, default=4, help="concurrent cameras")
    parser.add_argument("--photos", type=int, default=200, help="uploads in all")
    parser.add_argument("--distinct", type=int, default=8, help="base photos to generate/use")
    parser.add_argument(
        "--generator",
        choices=("sample", "grain"),
        default="grain",
        help="photos to generate when no PHOTO_DIR is given: 'grain' (default) are ~4.4 MB "
        "like a phone's 12 MP JPEG; 'sample' renders are ~2.1 MB (see base_photos)",
    )
    parser.add_argument("--profile", type=Path, help="record the server with py-spy to FILE")
    args = parser.parse_args(argv)
    print(
        f"ingest benchmark: {args.clients} paired cameras upload {args.photos} JPEGs to a "
        "capture server subprocess over loopback, all checks on",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="stitchsketch-bench-") as tmp:
        result = asyncio.run(run(args, Path(tmp)))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
