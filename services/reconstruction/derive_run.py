"""A new run that starts where a finished one's sparse work ends.

Used when a user corrects a finished model in a way that re-runs the later stages (a crop
box: from `isolate` on): the new run gets a copy of everything up to `scale_orient` —
working images, features, the sparse model, the metric frame and any known length —
so only the stages after it run again, while the finished run and its files stay as
they were. Photo paths are relocated (the new run owns its photos), so the pipeline sees
the same photo list and does not start over.

Only the outputs of the copied stages are taken: a later stage's leftovers (depth maps
made inside the old piece box) must not be mistaken for resumable work.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from appliance.paths import atomic_write_text
from services.errors import FailedPrecondition
from services.reconstruction import pipeline, prepare_images, scale_orient
from services.reconstruction.extract_features import SPARSE_DIR
from services.reconstruction.stage import MARKER_DIR, marker_path, read_marker

#: Folders written by the stages up to scale_orient (NOTE: keep in step with the stages).
UPTO = scale_orient.NAME
STAGE_DIRS = (prepare_images.OUT_DIR, SPARSE_DIR, scale_orient.SCENE_DIR, "logs")
#: Files written once and replaced atomically, never edited in place: safe to hard-link.
LINK_SUFFIXES = {".jpg", ".jpeg", ".png", ".heic", ".heif"}


def derive(src: Path, dst: Path, relocate: Callable[[str], str]) -> None:
    """Copy `src` (a run finished at least up to `scale_orient`) into the new `dst`, photo
    paths mapped through `relocate`. `dst` must not exist."""
    src, dst = Path(src), Path(dst)
    done = pipeline.finished_stages(src)
    if UPTO not in done:
        raise FailedPrecondition("that reconstruction has no metric model yet")
    if dst.exists():
        raise FailedPrecondition(f"{dst} exists already")
    dst.mkdir(parents=True)
    for name in STAGE_DIRS:
        if (src / name).is_dir():
            shutil.copytree(src / name, dst / name, copy_function=link_or_copy)
    (dst / MARKER_DIR).mkdir()
    for stage in pipeline.STAGE_NAMES[: pipeline.stage_index(UPTO) + 1]:
        if read_marker(src, stage) is not None:
            shutil.copy2(marker_path(src, stage), marker_path(dst, stage))
    run = json.loads((src / pipeline.RUN_FILE).read_text())
    run["photos"] = [relocate(p) for p in run["photos"]]
    atomic_write_text(dst / pipeline.RUN_FILE, json.dumps(run, indent=1))
    manifest_path = dst / prepare_images.OUT_DIR / prepare_images.MANIFEST
    manifest = json.loads(manifest_path.read_text())
    for image in manifest["images"]:
        image["source"] = relocate(image["source"])
    atomic_write_text(manifest_path, json.dumps(manifest, indent=1))


def link_or_copy(src: str, dst: str) -> str:
    if Path(src).suffix.lower() in LINK_SUFFIXES:
        try:
            os.link(src, dst)
            return dst
        except OSError:
            pass
    return shutil.copy2(src, dst)
