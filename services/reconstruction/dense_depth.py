"""Stage 7: a depth map per photo, on the CPU (or COLMAP patch-match where CUDA is).

Out: `dense/` — a COLMAP workspace (`images/` undistorted at the dense size, `sparse/`,
`stereo/`), and `dense/raw/<name>.npz` (depth, NCC score) per photo. Resumable inside:
a photo whose depth file exists is not redone, so a restart after a crash in this long
stage loses at most one photo's work.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from appliance.paths import atomic_write
from services.reconstruction import isolated, planesweep
from services.reconstruction.isolate import load_region
from services.reconstruction.prepare_images import OUT_DIR as IMAGES_DIR
from services.reconstruction.scale_orient import SCENE_DIR
from services.reconstruction.stage import StageContext
from services.reconstruction.views import View, load_views

log = logging.getLogger(__name__)

NAME = "dense_depth"
DENSE_DIR = "dense"
RAW_DIR = "raw"
#: Neighbours must see the same points from between these angles (degrees).
MIN_ANGLE_DEG, MAX_ANGLE_DEG = 4.0, 45.0
#: Photos matched at the same time.
WORKERS = 2


def undistort_child(model_dir: str, image_dir: str, out_dir: str, max_size: int) -> int:
    """In the child: pinhole images at the dense size + COLMAP's stereo workspace."""
    import pycolmap

    opts = pycolmap.UndistortCameraOptions()
    opts.max_image_size = max_size
    pycolmap.undistort_images(out_dir, model_dir, image_dir, undistort_options=opts)
    return 0


def cuda_available() -> bool:
    try:
        import pycolmap
    except ImportError:  # pragma: no cover
        return False
    return bool(getattr(pycolmap, "has_cuda", False))


def patch_match_child(workspace: str) -> int:
    """In the child, CUDA builds only: COLMAP's own patch-match stereo."""
    import pycolmap

    pycolmap.patch_match_stereo(workspace, workspace_format="COLMAP",
                                pmvs_option_name="option-all")
    return 0


def select_neighbours(rec: Any, views: list[View], count: int) -> dict[str, list[str]]:
    """For each photo, the `count` others sharing most sparse points at a useful angle
    (too narrow: depth is imprecise; too wide: windows stop looking alike)."""
    by_id = {v.image_id: v for v in views}
    tracks: dict[int, list[int]] = {}
    xyz: dict[int, np.ndarray] = {}
    for pid, p in rec.points3D.items():
        ids = [el.image_id for el in p.track.elements if el.image_id in by_id]
        if len(ids) >= 2:
            tracks[pid] = sorted(set(ids))
            xyz[pid] = np.asarray(p.xyz)
    score: dict[tuple[int, int], float] = {}
    lo, hi = np.radians(MIN_ANGLE_DEG), np.radians(MAX_ANGLE_DEG)
    for pid, ids in tracks.items():
        X = xyz[pid]
        dirs = {i: (by_id[i].center - X) / np.linalg.norm(by_id[i].center - X) for i in ids}
        for a_i, a in enumerate(ids):
            for b in ids[a_i + 1:]:
                ang = np.arccos(np.clip(dirs[a] @ dirs[b], -1, 1))
                if lo <= ang <= hi:
                    w = min(1.0, ang / np.radians(10.0))
                    score[(a, b)] = score.get((a, b), 0.0) + w
    out = {}
    for v in views:
        cand = [(s, b if a == v.image_id else a) for (a, b), s in score.items()
                if v.image_id in (a, b)]
        cand.sort(reverse=True)
        out[v.name] = [by_id[i].name for _, i in cand[:count]]
    return out


class _ImageCache:
    """Grey float images by name, shared by the worker threads."""

    def __init__(self, folder: Path, size: int = 24):
        self._folder = folder
        self._size = size
        self._images: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> np.ndarray:
        with self._lock:
            img = self._images.get(name)
        if img is None:
            img = _grey(self._folder / name)
            with self._lock:
                if len(self._images) >= self._size:
                    self._images.pop(next(iter(self._images)))
                self._images[name] = img
        return img


def _grey(path: Path) -> np.ndarray:
    img = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    if img is None:
        raise RuntimeError(f"cannot read {path}")
    return img.astype(np.float32) / 255.0


def _cam(v: View) -> planesweep.Camera:
    return planesweep.Camera(v.K, v.R, v.t)


def run(ctx: StageContext) -> dict[str, Any]:
    dense = ctx.path(DENSE_DIR)
    undistorted = dense / ".undistorted"
    if not undistorted.exists():
        ctx.progress(0.0, "undistorting photos")
        shutil.rmtree(dense, ignore_errors=True)
        isolated.call(ctx, f"{__name__}:undistort_child", str(ctx.path(SCENE_DIR, "model")),
                      str(ctx.path(IMAGES_DIR)), str(dense), ctx.options.dense_size,
                      log_name=NAME)
        undistorted.touch()
    if ctx.options.allow_cuda and cuda_available():
        isolated.call(ctx, f"{__name__}:patch_match_child", str(dense), log_name=NAME)
        return {"method": "colmap_patch_match_cuda"}
    rec, views = load_views(dense / "sparse")
    region = load_region(ctx.run_dir)
    box_min, box_max = np.array(region["box_min"]), np.array(region["box_max"])
    nb_names = select_neighbours(rec, views, ctx.options.preset.neighbours)
    by_name = {v.name: v for v in views}
    raw = dense / RAW_DIR
    raw.mkdir(exist_ok=True)
    todo = [v for v in views if not (raw / f"{v.name}.npz").exists()]
    cache = _ImageCache(dense / "images")

    def one(v: View) -> None:
        nbs = [(cache.get(n), _cam(by_name[n])) for n in nb_names[v.name]]
        if not nbs:
            log.warning("%s has no usable neighbour photo", v.name)
            depth = np.full((v.height, v.width), np.nan, np.float32)
            score = np.zeros_like(depth)
        else:
            depth, score = planesweep.estimate_depth(cache.get(v.name), _cam(v), nbs, box_min,
                                                     box_max, ctx.options.preset.planes,
                                                     ctx.check_stop)
        buf = io.BytesIO()
        np.savez_compressed(buf, depth=depth, score=score.astype(np.float16))
        atomic_write(raw / f"{v.name}.npz", buf.getvalue())

    # Two photos at a time: OpenCV and numpy release the GIL, so threads share the cores.
    workers = max(1, min(WORKERS, os.cpu_count() or 1))
    with ThreadPoolExecutor(workers, thread_name_prefix="depth") as pool:
        futures = {pool.submit(one, v): v for v in todo}
        try:
            for i, fut in enumerate(as_completed(futures)):
                fut.result()
                done_n = len(views) - len(todo) + i + 1
                ctx.progress(done_n / len(views), f"depth maps: {done_n} of {len(views)}")
        except BaseException:
            for f in futures:
                f.cancel()
            raise
    skipped = len(views) - len(todo)
    done = len(todo)
    return {"method": "planesweep_cpu", "computed": done, "resumed": skipped,
            "views": len(views)}
