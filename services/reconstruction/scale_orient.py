"""Stage 5: metres and up. SfM model → world frame (mat on z = 0, +Z up, metres).

Out: `scene/model/` (the model in world coordinates), `scene/transform.json`
(world-from-SfM similarity, scale source and residual, markers used).

With markers: each mat sheet seen with ≥ 3 triangulated marker centres gives a
similarity to that sheet's layout; sheets' scales are averaged, the best-seen sheet sets
the axes and, when there are several sheets, their common plane sets the floor.
Without: the floor is the largest plane facing the cameras' up, the scale is a guess
(cameras ~2 units from the piece) and `scaled` is false until `apply_known_length`.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from appliance.paths import atomic_write_text
from services.errors import InvalidArgument
from services.reconstruction import markers
from services.reconstruction.calibration_mat import MatLayout, printed_layout
from services.reconstruction.extract_features import SPARSE_DIR
from services.reconstruction.geometry import (
    Similarity,
    fit_plane,
    rotation_between,
    triangulate,
    umeyama,
)
from services.reconstruction.map_sparse import MODEL_DIR
from services.reconstruction.prepare_images import load_manifest
from services.reconstruction.stage import StageContext
from services.reconstruction.views import View, load_views

log = logging.getLogger(__name__)

NAME = "scale_orient"
SCENE_DIR = "scene"
TRANSFORM = "transform.json"
#: Distance from the cameras to the piece assumed for an unscaled model.
UNSCALED_CAMERA_DISTANCE = 2.0


def layout_for(ctx: StageContext) -> MatLayout:
    text = ctx.options.mat_layout_json
    return MatLayout.from_json(text) if text else printed_layout()


def fit_to_mat(points: list[markers.MarkerPoint], layout: MatLayout) -> dict[str, Any] | None:
    """World-from-SfM similarity from triangulated marker centres, or None when no sheet
    has three markers. Returns the similarity and the figures that judge it."""
    board_of = layout.board_of()
    per_board: dict[int, list[markers.MarkerPoint]] = {}
    for p in points:
        per_board.setdefault(board_of[p.marker_id], []).append(p)
    fits = []
    for b, pts in per_board.items():
        if len(pts) < 3:
            continue
        centres = layout.boards[b].centres()
        src = np.array([p.xyz for p in pts])
        dst = np.array([centres[p.marker_id] for p in pts])
        if np.linalg.matrix_rank(dst[1:] - dst[0], tol=1e-6) < 2:
            continue  # collinear: no orientation
        sim = umeyama(src, dst)
        resid = np.linalg.norm(sim.apply(src) - dst, axis=1)
        spread = float(np.sqrt(((dst - dst.mean(0)) ** 2).sum(1).mean()))
        fits.append({"board": b, "sim": sim, "n": len(pts), "src": src, "dst": dst,
                     "rms_m": float(np.sqrt((resid**2).mean())), "spread": spread})
    if not fits:
        return None
    # Weight each sheet's scale by how well it pins it down: markers × spread².
    w = np.array([f["n"] * f["spread"] ** 2 for f in fits])
    scale = float((w * [f["sim"].scale for f in fits]).sum() / w.sum())
    ref = max(fits, key=lambda f: f["n"] * f["spread"])
    R = ref["sim"].R
    t = ref["dst"].mean(0) - scale * R @ ref["src"].mean(0)
    sim = Similarity(scale, R, t)
    if len(fits) > 1:
        # Several sheets: their common plane is the floor (z = 0).
        src_all = np.concatenate([f["src"] for f in fits])
        n, _ = fit_plane(sim.apply(src_all))
        n = n if n[2] > 0 else -n
        sim = sim.then(Similarity(1.0, rotation_between(n, np.array([0.0, 0, 1])), np.zeros(3)))
        z0 = float(np.median(sim.apply(src_all)[:, 2]))
        sim = Similarity(sim.scale, sim.R, sim.t - np.array([0.0, 0, z0]))
    # Relative misfit of all sheets under the common similarity.
    num = den = 0.0
    for f in fits:
        mapped = scale * (f["src"] - f["src"].mean(0)) @ f["sim"].R.T
        target = f["dst"] - f["dst"].mean(0)
        num += float(((mapped - target) ** 2).sum())
        den += float((target**2).sum())
    return {
        "sim": sim,
        "scale_residual": float(np.sqrt(num / den)),
        "boards": [{"board": layout.boards[f["board"]].name, "markers": f["n"],
                    "scale": f["sim"].scale, "rms_mm": f["rms_m"] * 1000} for f in fits],
    }


def unscaled_frame(views: list[View], points: np.ndarray, seed: int = 0) -> Similarity:
    """Up from how people hold cameras, floor from the biggest plane facing up, scale
    from a typical shooting distance."""
    up = -np.mean([v.R[1] for v in views], axis=0)
    up /= np.linalg.norm(up)
    centres = np.array([v.center for v in views])
    target = triangulate(centres, np.array([v.axis for v in views]))
    dist = float(np.median(np.linalg.norm(centres - target, axis=1)))
    n, d = up, -float(up @ target) + dist  # fallback: 1 camera distance below the target
    rng = np.random.default_rng(seed)
    if len(points) >= 50:
        best = 0
        tol = 0.01 * dist
        for _ in range(300):
            a, b, c = points[rng.choice(len(points), 3, replace=False)]
            nn = np.cross(b - a, c - a)
            if np.linalg.norm(nn) < 1e-12:
                continue
            nn /= np.linalg.norm(nn)
            if nn @ up < 0:
                nn = -nn
            if nn @ up < np.cos(np.radians(25)):
                continue
            inl = int((np.abs(points @ nn - nn @ a) < tol).sum())
            if inl > best:
                best, n, d = inl, nn, -float(nn @ a)
    s = UNSCALED_CAMERA_DISTANCE / dist
    R = rotation_between(n, np.array([0.0, 0, 1]))
    origin = target - (n @ target + d) * n  # look-at point dropped onto the floor
    return Similarity(s, R, -s * R @ origin)


def load_transform(run_dir: Path) -> dict[str, Any]:
    return json.loads((run_dir / SCENE_DIR / TRANSFORM).read_text())


def run(ctx: StageContext) -> dict[str, Any]:
    import pycolmap

    rec, views = load_views(ctx.path(SPARSE_DIR, MODEL_DIR))
    try:
        layout = layout_for(ctx)
    except (ValueError, KeyError) as exc:
        raise InvalidArgument(f"bad marker layout: {exc}", field="mat_layout") from exc
    manifest = {m.name: m for m in load_manifest(ctx.run_dir)}
    detections: dict[str, dict[int, np.ndarray]] = {}
    for i, v in enumerate(views):
        ctx.check_stop()
        ctx.progress(0.9 * i / len(views), f"looking for markers in {v.name}")
        m = manifest[v.name]
        detections[v.name] = markers.detect_in_photo(Path(m.source), (m.width, m.height),
                                                     layout)
    pts = markers.triangulate_centres(detections, views, ctx.check_stop)
    fit = fit_to_mat(pts, layout)
    summary: dict[str, Any] = {
        "photos_with_markers": sum(1 for d in detections.values() if d),
        "markers_triangulated": len(pts),
        "marker_reproj_px": float(np.median([p.reproj_px for p in pts])) if pts else None,
    }
    if fit is not None:
        sim = fit["sim"]
        summary.update(scaled=True, scale_source="markers",
                       scale_residual=fit["scale_residual"], boards=fit["boards"])
    else:
        xyz = np.array([p.xyz for p in rec.points3D.values()]) if rec.num_points3D() else \
            np.zeros((0, 3))
        sim = unscaled_frame(views, xyz, ctx.options.seed)
        summary.update(scaled=False, scale_source="none", scale_residual=0.0, boards=[])
        log.warning("no calibration mat found: model is unscaled")
    cam_z = np.array([sim.apply(v.center)[2] for v in views])
    if np.median(cam_z) < 0:
        log.warning("cameras below the floor plane: marker fit looks wrong")
    summary["world_from_sfm"] = sim.to_dict()
    out = ctx.path(SCENE_DIR)
    model_out = out / "model"
    shutil.rmtree(model_out, ignore_errors=True)
    model_out.mkdir(parents=True)
    rec.transform(pycolmap.Sim3d(sim.scale, pycolmap.Rotation3d(sim.R), sim.t))
    rec.write(str(model_out))
    (out / "markers.json").write_text(json.dumps(
        {n: {str(i): c.tolist() for i, c in d.items()} for n, d in detections.items()}))
    atomic_write_text(out / TRANSFORM, json.dumps(summary, indent=1))
    log.info("scale: %s (residual %.4f), %d markers", summary["scale_source"],
             summary["scale_residual"], len(pts))
    return {k: summary[k] for k in ("scaled", "scale_source", "scale_residual",
                                    "markers_triangulated", "photos_with_markers")}
