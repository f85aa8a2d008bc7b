"""Reconstruction benchmark against ground truth, with COLMAP's own CLI as the reference.

    .venv/bin/python -m scripts.bench.reconstruct [DATASET] [--quality Q] [--work DIR]
                                                  [--no-colmap-cli] [--photos N]

DATASET is a folder (or a name under ../shared/datasets): a Strecha set
(`gt_dense_cameras/`) or a rendered furniture shoot (`ground_truth.json`); default
fountain-P11. Runs the whole pipeline (the CLI's code) on its photos, then reports:
registered/total, median camera-centre error after a similarity alignment to the true
cameras (mm), seconds per stage, peak memory (this process and its children, sampled);
for furniture also the worst W/D/H error (%) with the mat's scale and the median distance
from the model's surface to gt_mesh.ply (mm), with no alignment beyond the mat's.
COLMAP 3.x's command line (`colmap`, CPU) then runs feature extraction, matching and
mapping on the same working-size photos with the same feature budget and matcher, as the
reference time for our sparse stages; it runs right after them, before the rest of our
pipeline, so both see the same load on a shared machine. `seconds` is our pipeline's
own time. Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import psutil

from services.reconstruction import pipeline
from services.reconstruction.calibration_mat import MatLayout
from services.reconstruction.geometry import umeyama
from services.reconstruction.options import EXHAUSTIVE_MAX_IMAGES, Quality, ReconstructionOptions

REPO = Path(__file__).resolve().parents[2]
DATASETS = REPO.parent / "shared" / "datasets"
SPARSE_STAGES = ("extract_features", "match_features", "map_sparse")


def resolve(name: str) -> Path:
    p = Path(name)
    if p.is_dir():
        return p
    if (DATASETS / name).is_dir():
        return DATASETS / name
    sys.exit(f"no dataset {name!r} (not a folder, not in {DATASETS})")


def true_centres(ds: Path) -> dict[str, np.ndarray]:
    """Image file name → true camera centre (metres)."""
    if (ds / "cameras.json").exists():
        doc = json.loads((ds / "cameras.json").read_text())
        return {Path(c["file"]).name: np.array(c["center"]) for c in doc["images"]}
    out = {}
    for f in sorted((ds / "gt_dense_cameras").glob("*.camera")):
        nums = [float(x) for x in f.read_text().split()]
        out[f.name.removesuffix(".camera")] = np.array(nums[21:24])
    return out


def photos_of(ds: Path, limit: int | None) -> list[Path]:
    photos = sorted(p for p in (ds / "images").iterdir()
                    if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    return photos[:limit] if limit else photos


class PeakRss:
    """Samples the resident memory of this process plus its children."""

    def __init__(self, interval: float = 0.25):
        self.peak = 0
        self._stop = threading.Event()
        self._interval = interval
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for p in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    total += p.memory_info().rss
            self.peak = max(self.peak, total)
            self._stop.wait(self._interval)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def camera_error_mm(run_dir: Path, truth: dict[str, np.ndarray]) -> tuple[float, int]:
    """Median camera-centre error after a similarity alignment (mm), and the count."""
    from services.reconstruction.views import load_views

    _, views = load_views(run_dir / "sparse" / "model")
    names = [v.name for v in views if v.name in truth]
    if len(names) < 3:
        return float("nan"), len(names)
    ours = np.array([next(v.center for v in views if v.name == n) for n in names])
    gt = np.array([truth[n] for n in names])
    sim = umeyama(ours, gt)
    err = np.linalg.norm(sim.apply(ours) - gt, axis=1)
    return float(np.median(err) * 1000), len(names)


def surface_error_mm(model_ply: Path, gt_ply: Path, samples: int = 200_000) -> float:
    """Median distance from points sampled on our surface to the true mesh (mm)."""
    import open3d as o3d

    ours = o3d.io.read_triangle_mesh(str(model_ply))
    pts = np.asarray(ours.sample_points_uniformly(samples).points, np.float32)
    scene = o3d.t.geometry.RaycastingScene()
    scene.add_triangles(o3d.t.io.read_triangle_mesh(str(gt_ply)))
    d = scene.compute_distance(o3d.core.Tensor(pts)).numpy()
    return float(np.median(d) * 1000)


def dimension_error_pct(summary: dict, gt: dict) -> dict[str, float]:
    dims = summary["dimensions"]
    tw, td, th = (gt["dimensions"][k] for k in ("width_m", "depth_m", "height_m"))
    return {"width": 100 * abs(dims["width_m"] - tw) / tw,
            "depth": 100 * abs(dims["depth_m"] - td) / td,
            "height": 100 * abs(dims["height_m"] - th) / th}


def colmap_cli_sparse(run_dir: Path, options: ReconstructionOptions, work: Path) -> float | None:
    """COLMAP CLI on our working-size photos: extract (same feature budget, same camera
    prior), match (exhaustive or sequential like ours), map. Seconds, or None."""
    exe = shutil.which("colmap")
    if exe is None:
        print("colmap not installed (scripts/setup.sh --bench): no reference time")
        return None
    from services.reconstruction.extract_features import camera_groups

    images = run_dir / "images"
    groups = camera_groups(run_dir)
    n = sum(len(g["names"]) for g in groups)
    out = work / "colmap_cli"
    shutil.rmtree(out, ignore_errors=True)
    (out / "sparse").mkdir(parents=True)
    db = out / "database.db"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    g = groups[0]
    extract = [exe, "feature_extractor", "--database_path", str(db), "--image_path",
               str(images), "--ImageReader.camera_model", "SIMPLE_RADIAL",
               "--ImageReader.single_camera", "1" if len(groups) == 1 else "0",
               "--SiftExtraction.use_gpu", "0",
               "--SiftExtraction.max_num_features", str(options.preset.max_features)]
    if len(groups) == 1 and g["focal_px"]:
        extract += ["--ImageReader.camera_params",
                    f"{g['focal_px']},{g['width'] / 2},{g['height'] / 2},0"]
    matcher = ([exe, "exhaustive_matcher"] if n <= EXHAUSTIVE_MAX_IMAGES
               else [exe, "sequential_matcher", "--SequentialMatching.overlap", "8"])
    matcher += ["--database_path", str(db), "--SiftMatching.use_gpu", "0"]
    mapper = [exe, "mapper", "--database_path", str(db), "--image_path", str(images),
              "--output_path", str(out / "sparse")]
    start = time.monotonic()
    with (out / "colmap.log").open("w") as log:
        for cmd in (extract, matcher, mapper):
            step = time.monotonic()
            r = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
            print(f"  colmap {cmd[1]}: {time.monotonic() - step:.1f} s (exit {r.returncode})",
                  flush=True)
            if r.returncode != 0:
                print(f"  colmap {cmd[1]} failed; see {out / 'colmap.log'}")
                return None
    return time.monotonic() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dataset", nargs="?", default="fountain-P11")
    ap.add_argument("--quality", choices=[q.value for q in Quality], default="normal")
    ap.add_argument("--work", type=Path, help="run folder (default: a temp folder)")
    ap.add_argument("--photos", type=int, help="use only the first N photos")
    ap.add_argument("--no-colmap-cli", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the run folder")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    ds = resolve(args.dataset)
    gt_path = ds / "ground_truth.json"
    gt = json.loads(gt_path.read_text()) if gt_path.exists() else None
    photos = photos_of(ds, args.photos)
    options = ReconstructionOptions(
        quality=Quality(args.quality),
        mat_layout_json=MatLayout.from_ground_truth(gt).to_json() if gt else None)
    work = args.work or Path(tempfile.mkdtemp(prefix=f"bench-{ds.name}-"))
    run_dir = work / "run"
    if run_dir.exists():
        shutil.rmtree(run_dir)
    print(f"dataset {ds.name}: {len(photos)} photos, quality {args.quality}, run in {run_dir}",
          flush=True)
    last = [""]

    def show(p: pipeline.Progress) -> None:
        if p.stage != last[0]:
            last[0] = p.stage
            print(f"  [{p.stage_index + 1}/{p.stage_count}] {p.stage}", flush=True)

    # Our sparse stages, then COLMAP's CLI on the same photos right away (the machine is
    # shared: back to back is the fairest comparison), then the rest of our pipeline.
    start = time.monotonic()
    with PeakRss() as rss_sparse:
        pipeline.run(run_dir, photos, options, on_progress=show, stop_after=SPARSE_STAGES[-1])
    seconds = time.monotonic() - start
    cli = None
    if not args.no_colmap_cli:
        print("COLMAP CLI on the same photos (sparse only) …", flush=True)
        cli = colmap_cli_sparse(run_dir, options, work)
    start = time.monotonic()
    with PeakRss() as rss_rest:
        done = pipeline.run(run_dir, on_progress=show)
    seconds += time.monotonic() - start
    peak = max(rss_sparse.peak, rss_rest.peak)
    stage_s = {k: round(v["seconds"], 1) for k, v in done.items()}
    print("seconds per stage: " + json.dumps(stage_s), flush=True)
    sparse_s = sum(stage_s[s] for s in SPARSE_STAGES)
    summary = done["export"]
    cam_err, n_err = camera_error_mm(run_dir, true_centres(ds))
    print(f"registered {summary['registered']}/{summary['images']}, camera-centre error "
          f"median {cam_err:.2f} mm over {n_err} cameras, "
          f"reprojection {summary['mean_reprojection_error_px']:.3f} px", flush=True)
    result = {
        "dataset": ds.name,
        "images": summary["images"],
        "registered": summary["registered"],
        "median_cam_err_mm": round(cam_err, 3),
        "sparse_seconds": round(sparse_s, 1),
        "colmap_cli_sparse_seconds": round(cli, 1) if cli is not None else None,
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(peak / 2**20, 1),
        "stage_seconds": stage_s,
        "quality": args.quality,
        "cpus": os.cpu_count(),
    }
    if gt is not None:
        errs = dimension_error_pct(summary, gt)
        d = summary["dimensions"]
        print(f"dimensions {d['width_m']:.4f} × {d['depth_m']:.4f} × {d['height_m']:.4f} m "
              f"(true {gt['dimensions']['width_m']} × {gt['dimensions']['depth_m']} × "
              f"{gt['dimensions']['height_m']}), errors % {json.dumps(errs)}; scale "
              f"{summary['scale_source']}, residual {summary['scale_residual']:.5f}", flush=True)
        surf = surface_error_mm(run_dir / "model" / "model.ply", ds / "gt_mesh.ply")
        print(f"median surface distance to gt_mesh.ply: {surf:.2f} mm", flush=True)
        result["dimension_err_pct"] = round(max(errs.values()), 3)
        result["median_surface_err_mm"] = round(surf, 3)
    if not args.keep and args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
