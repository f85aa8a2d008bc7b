"""The job's first stage: the project's photos from the capture service into the job folder.

Not a pipeline stage (the domain pipeline starts from files); this is the service's side:
`photos/selection.json` fixes, on the first run, which photos the job uses and under
which file names (the camera's, so the photos that fail to register are named the way
the shop knows them); every photo is then downloaded and checked against its id, the
SHA-256 of its bytes. Resumable: a photo already here whose hash matches is not fetched
again, and a job whose photos are all here does not even call capture.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from appliance.paths import atomic_write_text
from services.errors import FailedPrecondition, NotFound, Unavailable
from services.reconstruction import capture_client
from services.reconstruction.capture_client import CaptureAccess
from services.reconstruction.prepare_images import MIN_PHOTOS
from stitchsketch.v1 import capture_pb2, capture_pb2_grpc

log = logging.getLogger(__name__)

NAME = "fetch_photos"
PHOTOS_DIR = "photos"
SELECTION = "selection.json"
EXTENSIONS = {"jpeg": ".jpg", "png": ".png", "heic": ".heic"}
#: Tries per photo when capture is briefly unavailable, and the first wait between them.
ATTEMPTS, BACKOFF_S = 4, 0.5


class JobLike(Protocol):
    """What this stage needs of services.runtime.jobs.JobContext."""

    def progress(self, stage: str, fraction: float, message: str = "") -> None: ...
    def log(self, line: str) -> None: ...
    def check_stop(self) -> None: ...


@dataclass(frozen=True)
class Selected:
    """One photo of the job: its capture id and its file in `photos/`."""

    id: str
    file: str
    filename: str


def load_selection(job_dir: Path) -> list[Selected] | None:
    path = job_dir / PHOTOS_DIR / SELECTION
    if not path.exists():
        return None
    return [Selected(**d) for d in json.loads(path.read_text())["photos"]]


def save_selection(job_dir: Path, selection: list[Selected]) -> None:
    atomic_write_text(job_dir / PHOTOS_DIR / SELECTION,
                      json.dumps({"photos": [asdict(s) for s in selection]}, indent=1))


def photo_ids_by_file(job_dir: Path) -> dict[str, str]:
    """File name in the job folder → capture photo id."""
    return {s.file: s.id for s in load_selection(job_dir) or []}


def file_names(photos: list[capture_pb2.Photo]) -> list[str]:
    """Safe, unique (case-insensitively, by stem: the pipeline names its images by stem)
    file names from the cameras' names."""
    out: list[str] = []
    stems: set[str] = set()
    for p in photos:
        base = PurePosixPath(p.filename.replace("\\", "/")).name
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", PurePosixPath(base).stem).strip("._-")[:60]
        stem = stem or p.id[:12]
        if stem.lower() in stems:
            stem = f"{stem}_{p.id[:8]}"
        stems.add(stem.lower())
        ext = EXTENSIONS.get(p.format) or (PurePosixPath(base).suffix.lower() or ".jpg")
        out.append(stem + ext)
    return out


def fetch_photos(job_dir: Path, params: dict[str, Any], ctx: JobLike) -> list[Path]:
    """The job's photos, in order, all present and verified."""
    folder = job_dir / PHOTOS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    selection = load_selection(job_dir)
    if selection is not None:
        todo = [s for s in selection if capture_client.file_sha256(folder / s.file) != s.id]
        if not todo:
            ctx.progress(NAME, 1.0, f"all {len(selection)} photos already here")
            return [folder / s.file for s in selection]
    ctx.progress(NAME, 0.0, "asking capture for the photos")
    selection = asyncio.run(_fetch(job_dir, params, ctx, selection))
    return [folder / s.file for s in selection]


async def _fetch(job_dir: Path, params: dict[str, Any], ctx: JobLike,
                 selection: list[Selected] | None) -> list[Selected]:
    access = CaptureAccess.from_params(params["capture"])
    project_id = params["project_id"]
    explicit = list(params.get("photo_ids") or [])
    folder = job_dir / PHOTOS_DIR
    target = await capture_client.resolve_target(access)
    async with capture_client.channel(target, access) as channel:
        stub = capture_pb2_grpc.CaptureServiceStub(channel)
        if selection is None:
            listed = await capture_client.list_photos(stub, project_id, access.timeout_s)
            chosen = capture_client.select_photos(project_id, listed, explicit,
                                                  int(params.get("max_photos", 1000)))
            selection = [Selected(p.id, f, p.filename)
                         for p, f in zip(chosen, file_names(chosen), strict=True)]
            save_selection(job_dir, selection)
            skipped = len(listed) - len(chosen)
            ctx.log(f"using {len(selection)} of {len(listed)} photos of {project_id}"
                    + (f" ({skipped} left out: rejected by the quality checks)"
                       if skipped and not explicit else ""))
        kept: list[Selected] = []
        for i, s in enumerate(selection):
            ctx.check_stop()
            ctx.progress(NAME, i / len(selection), f"photo {i + 1} of {len(selection)}")
            dest = folder / s.file
            if capture_client.file_sha256(dest) == s.id:
                kept.append(s)
                continue
            try:
                await _download(stub, project_id, s, dest, access, ctx)
            except NotFound:
                if explicit:
                    raise
                ctx.log(f"{s.filename} was deleted from the project; going on without it")
                continue
            kept.append(s)
    if len(kept) != len(selection):
        if len(kept) < MIN_PHOTOS:
            raise FailedPrecondition(f"only {len(kept)} photos are left in project "
                                     f"{project_id}; a reconstruction needs at least "
                                     f"{MIN_PHOTOS}")
        save_selection(job_dir, kept)
    ctx.progress(NAME, 1.0, f"{len(kept)} photos here")
    return kept


async def _download(stub: capture_pb2_grpc.CaptureServiceStub, project_id: str, s: Selected,
                    dest: Path, access: CaptureAccess, ctx: JobLike) -> None:
    """One photo, retried with backoff while capture is briefly unavailable."""
    for attempt in range(ATTEMPTS):
        try:
            await capture_client.download_photo(stub, project_id, s.id, dest, access.timeout_s,
                                                ctx.check_stop)
            return
        except Unavailable as exc:
            if attempt == ATTEMPTS - 1:
                raise
            log.warning("%s; retrying", exc.message)
            for _ in range(int(BACKOFF_S * 2**attempt / 0.1)):
                ctx.check_stop()
                await asyncio.sleep(0.1)
