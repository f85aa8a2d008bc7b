"""Stage 11: the files a shop gets, and the model's figures.

Out: `model/model.glb` (display mesh, for the browser), `model/model.ply` and
`model/model.obj` (full resolution, for patterns and other tools), `model/model.json`
(what GetModel returns: registration, scale, dimensions, files).

A known length entered later (`apply_known_length`) only re-runs this stage: every
earlier stage works in the scale_orient frame, and the user's factor is applied here.
"""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from appliance.paths import atomic_write, atomic_write_text
from services.reconstruction import glb
from services.reconstruction.dense_depth import DENSE_DIR
from services.reconstruction.fuse import FUSED
from services.reconstruction.map_sparse import load_report
from services.reconstruction.mesh import DISPLAY, FULL
from services.reconstruction.scale_orient import SCENE_DIR, load_transform
from services.reconstruction.stage import StageContext
from services.reconstruction.texture import TEXTURE_DIR

log = logging.getLogger(__name__)

NAME = "export"
MODEL_DIR = "model"
SUMMARY = "model.json"
KNOWN_LENGTH = "known_length.json"
FILES = ("model.glb", "model.ply", "model.obj")
#: Surface counts for the dimensions when a fused point lies this close (model units).
SUPPORT_M = 0.002
#: Less surface than this beyond an extreme is a stray, not the piece's size (m²).
TRIM_AREA_M2 = 1e-4


def user_scale(run_dir: Path) -> dict[str, Any] | None:
    """The known-length correction, when one was entered."""
    p = run_dir / SCENE_DIR / KNOWN_LENGTH
    return json.loads(p.read_text()) if p.exists() else None


def surface_samples(mesh: Any, points: np.ndarray, radius: float,
                    count: int = 300_000) -> tuple[np.ndarray, float]:
    """Points spread evenly over the surface, keeping those with a measured (fused) point
    within `radius`: surface Poisson only interpolated — the rims it overshoots at sharp
    edges — does not set the size. Returns (points, surface area per point)."""
    import open3d as o3d
    from scipy.spatial import cKDTree

    o3d.utility.random.seed(0)  # same model, same figures
    pts = np.asarray(mesh.sample_points_uniformly(count).points)
    per_point = mesh.get_surface_area() / count
    if len(points):
        dist, _ = cKDTree(points).query(pts, distance_upper_bound=radius)
        near = pts[np.isfinite(dist)]
        if len(near) >= 1000:
            pts = near
    return pts, per_point


def dimensions(points: np.ndarray, trim: int = 0) -> dict[str, Any]:
    """W × D × H of the piece: the smallest rectangle around its footprint (the piece
    need not sit square to the mat), W along the rectangle side nearer the x axis (side
    to side, as the proto's Dimensions says), D the other; H from the floor (z = 0) up.
    The `trim` outermost points on each side are ignored (strays); `yaw_deg` is how far
    the W side is turned from x."""
    xy = np.ascontiguousarray(points[:, :2], np.float32)
    corners = cv2.boxPoints(cv2.minAreaRect(xy)).astype(np.float64)
    e1, e2 = corners[1] - corners[0], corners[2] - corners[1]
    if abs(e1[0]) * np.linalg.norm(e2) < abs(e2[0]) * np.linalg.norm(e1):
        e1, e2 = e2, e1  # e1: the side closer to the x direction
    k = max(0, min(trim, len(points) // 100))

    def extent(values: np.ndarray) -> float:
        v = np.sort(values)
        return float(v[len(v) - 1 - k] - v[k])

    u1, u2 = e1 / np.linalg.norm(e1), e2 / np.linalg.norm(e2)
    z = np.sort(points[:, 2])
    yaw = float(np.degrees(np.arctan2(e1[1], e1[0])))
    return {"width_m": extent(points[:, :2] @ u1), "depth_m": extent(points[:, :2] @ u2),
            "height_m": float(z[len(z) - 1 - k]), "yaw_deg": (yaw + 90.0) % 180.0 - 90.0,
            "bbox_min": points.min(0).tolist(), "bbox_max": points.max(0).tolist()}


def write_obj(path: Path, v: np.ndarray, f: np.ndarray, n: np.ndarray, c: np.ndarray,
              check_stop: Any = None) -> None:
    """OBJ with the common `v x y z r g b` vertex-colour extension (in chunks, checking
    for a cancel between them: a full-resolution OBJ takes seconds to format)."""
    buf = io.StringIO()
    buf.write("# StitchSketch model, metres, +Z up\n")
    blocks = [(np.hstack([v, c]), "v %.5f %.5f %.5f %.4f %.4f %.4f"),
              (n, "vn %.4f %.4f %.4f"),
              (np.repeat(f + 1, 2, axis=1), "f %d//%d %d//%d %d//%d")]
    for data, fmt in blocks:
        for start in range(0, len(data), 100_000):
            if check_stop:
                check_stop()
            np.savetxt(buf, data[start:start + 100_000], fmt=fmt)
    atomic_write(path, buf.getvalue().encode())


def _load(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    import open3d as o3d

    m = o3d.io.read_triangle_mesh(str(path))
    if not m.has_vertex_normals():
        m.compute_vertex_normals()
    v = np.asarray(m.vertices)
    c = np.asarray(m.vertex_colors) if m.has_vertex_colors() else np.full_like(v, 0.6)
    return v, np.asarray(m.triangles), np.asarray(m.vertex_normals), c


def _mesh(v: np.ndarray, f: np.ndarray) -> Any:
    import open3d as o3d

    return o3d.geometry.TriangleMesh(o3d.utility.Vector3dVector(v),
                                     o3d.utility.Vector3iVector(f))


def _write_ply(path: Path, v: np.ndarray, f: np.ndarray, n: np.ndarray,
               c: np.ndarray) -> None:
    import open3d as o3d

    m = _mesh(v, f)
    m.vertex_normals = o3d.utility.Vector3dVector(n)
    m.vertex_colors = o3d.utility.Vector3dVector(c)
    tmp = path.with_name(f".{path.name}.tmp.ply")
    o3d.io.write_triangle_mesh(str(tmp), m, write_ascii=False)
    tmp.replace(path)


def _fused_points(ctx: StageContext) -> np.ndarray:
    import open3d as o3d

    path = ctx.path(DENSE_DIR, FUSED)
    if not path.exists():
        return np.zeros((0, 3))
    return np.asarray(o3d.io.read_point_cloud(str(path)).points)


def run(ctx: StageContext) -> dict[str, Any]:
    out = ctx.path(MODEL_DIR)
    out.mkdir(parents=True, exist_ok=True)
    transform = load_transform(ctx.run_dir)
    known = user_scale(ctx.run_dir)
    factor = float(known["factor"]) if known else 1.0
    ctx.progress(0.1, "writing the display model")
    v, f, n, c = _load(ctx.path(TEXTURE_DIR, DISPLAY))
    atomic_write(out / "model.glb", glb.encode(v * factor, f, n, c))
    ctx.check_stop()
    ctx.progress(0.4, "writing full-resolution files")
    v, f, n, c = _load(ctx.path(TEXTURE_DIR, FULL))
    v = v * factor
    _write_ply(out / "model.ply", v, f, n, c)
    ctx.check_stop()
    write_obj(out / "model.obj", v, f, n, c, ctx.check_stop)
    ctx.progress(0.8, "measuring")
    full = _mesh(v, f)
    pts, per_point = surface_samples(full, _fused_points(ctx) * factor, SUPPORT_M * factor)
    dims = dimensions(pts, int(TRIM_AREA_M2 * factor**2 / per_point))
    report = load_report(ctx.run_dir)
    scaled = bool(transform["scaled"]) or known is not None
    summary = {
        "images": report["images"],
        "registered": report["registered"],
        "unregistered_filenames": report["unregistered_filenames"],
        "mean_reprojection_error_px": report["mean_reprojection_error_px"],
        "scaled": scaled,
        "scale_source": "known_length" if known else transform["scale_source"],
        "scale_residual": float(known.get("residual", 0.0)) if known else float(
            transform["scale_residual"]),
        "dimensions": dims,
        "triangles": len(f),
        "files": list(FILES),
    }
    atomic_write_text(out / SUMMARY, json.dumps(summary, indent=1))
    d = summary["dimensions"]
    log.info("model: %.3f × %.3f × %.3f %s", d["width_m"], d["depth_m"], d["height_m"],
             "m" if scaled else "units (unscaled)")
    return summary
