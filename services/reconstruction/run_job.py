"""The reconstruction job's work function, run by the JobManager in its own process.

Stages: `fetch_photos` (the project's photos from capture into `photos/`), then the
domain pipeline's stages in `run/` (prepare_images … export). Every stage skips what is
already in its output, so a job put back in the queue after a crash or a restart goes on
from the last finished stage (inside dense matching: from the last finished photo).
A cancel reaches the pipeline through `should_stop`; its stages check it at least every
second and kill their native children, so the job stops within the two seconds promised.

A job made by SetCropBox (params `derived_from`) starts with a copy of a finished job's
photos and sparse work instead of fetching, and re-runs from `isolate` on.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path
from typing import Any

from services.reconstruction import dense_depth, derive_run, fetch_photos, model, pipeline
from services.reconstruction.options import CropBox, ReconstructionOptions
from services.runtime.jobs import JobContext

log = logging.getLogger(__name__)

KIND = "reconstruction"
STAGES = (fetch_photos.NAME, *pipeline.STAGE_NAMES)
#: Rough share of a run per stage, so the ETA is not thrown by dense matching's length.
WEIGHTS = (0.03, *(share for _, share in pipeline.STAGES))
#: The pipeline's run directory inside the job folder.
RUN_DIR = "run"


def run_dir(job_dir: Path) -> Path:
    return job_dir / RUN_DIR


def dense_backend(options: ReconstructionOptions) -> str:
    """Which dense matcher a run will use, in words for the job log."""
    if dense_depth.cuda_available():
        if options.allow_cuda:
            return "dense matching: COLMAP patch-match on CUDA (CUDA build of pycolmap found)"
        return "dense matching: CPU plane sweep (CUDA available, but not allowed for this job)"
    return "dense matching: CPU plane sweep (no CUDA build of pycolmap here)"


def run(job_dir: Path, params: dict[str, Any], ctx: JobContext) -> None:
    """params: {"project_id", "photo_ids", "options" (ReconstructionOptions JSON),
    "capture" (CaptureAccess), "max_photos"} or, for a crop-box re-run,
    {"project_id", "derived_from": {"job_id", "job_dir"}, "crop_box": {"min", "max"}}."""
    rdir = run_dir(job_dir)
    finished = pipeline.finished_stages(rdir) if rdir.exists() else []
    if finished:
        ctx.log(f"resuming after {finished[-1]}: {len(finished)} of "
                f"{len(pipeline.STAGE_NAMES)} pipeline stages are already done")
    report = ctx  # NOTE: the job runtime keeps progress from going back on resume
    photos: list[Path] | None
    options: ReconstructionOptions | None
    if "derived_from" in params:
        _derive(job_dir, params, report)
        photos, options = None, None  # as stored in the copied run, crop box included
    else:
        photos = fetch_photos.fetch_photos(job_dir, params, report)
        options = ReconstructionOptions.from_json(params["options"])
    ctx.check_stop()
    ctx.log(dense_backend(options or _stored_options(rdir)))

    def on_progress(p: pipeline.Progress) -> None:
        report.progress(p.stage, p.stage_fraction, p.message)

    done = pipeline.run(rdir, photos, options, on_progress=on_progress,
                        should_stop=ctx.should_stop, log_line=ctx.log)
    summary = done[pipeline.STAGE_NAMES[-1]]
    d = summary["dimensions"]
    unit = "m" if summary["scaled"] else "units (unscaled: no mat found)"
    ctx.log(f"registered {summary['registered']} of {summary['images']} photos; "
            f"W×D×H {d['width_m']:.3f} × {d['depth_m']:.3f} × {d['height_m']:.3f} {unit}")
    ctx.progress(pipeline.STAGE_NAMES[-1], 1.0, "model ready")


def _stored_options(rdir: Path) -> ReconstructionOptions:
    return ReconstructionOptions.from_json(
        json.loads((rdir / pipeline.RUN_FILE).read_text())["options"])


def _derive(job_dir: Path, params: dict[str, Any], ctx: JobContext) -> None:
    """Copy the source job's photos and sparse work, with the crop box set (once)."""
    rdir = run_dir(job_dir)
    source = params["derived_from"]
    if rdir.exists():
        ctx.progress(fetch_photos.NAME, 1.0, "photos and sparse model already copied")
        return
    ctx.progress(fetch_photos.NAME, 0.0, f"reusing the photos and sparse model of job "
                                         f"{source['job_id']}")
    src_job = Path(source["job_dir"]).resolve()
    src_photos = src_job / fetch_photos.PHOTOS_DIR
    photos = (job_dir / fetch_photos.PHOTOS_DIR).resolve()
    shutil.rmtree(photos, ignore_errors=True)
    shutil.copytree(src_photos, photos, copy_function=derive_run.link_or_copy)

    def relocate(path: str) -> str:
        return str(photos / Path(path).resolve().relative_to(src_photos))

    tmp = job_dir / f"{RUN_DIR}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    derive_run.derive(run_dir(src_job), tmp, relocate)
    box = params["crop_box"]
    model.set_crop_box(tmp, CropBox(tuple(box["min"]), tuple(box["max"])))
    os.replace(tmp, rdir)  # the copy counts only once it is whole
    ctx.log(f"re-running job {source['job_id']} from isolate with crop box "
            f"{box['min']} – {box['max']}")
    ctx.progress(fetch_photos.NAME, 1.0, "copied")
