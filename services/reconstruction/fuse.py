"""Stage 8: keep the depths that neighbouring photos agree on, then fuse them.

Out: `dense/stereo/{depth,normal}_maps/<name>.geometric.bin` (COLMAP format) and
`dense/fused.ply` (points with normals and colours, inside the piece's box).

Each depth is kept only when at least MIN_CONSISTENT neighbours see the same point
(reprojection within 1 px, depth within 1 %); normals come from a PCA over the depth
map's neighbourhood. The kept pixels of all photos are then merged per voxel of about one
pixel's footprint, which averages the photos that saw the same spot. (COLMAP's
`stereo_fusion` also runs on CPU, but chains many pixels into each point and leaves too
sparse a cloud at our depth-map sizes; the maps stay in COLMAP's format, so the CUDA
patch-match path shares this stage.)
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from services.errors import FailedPrecondition
from services.reconstruction import colmap_maps
from services.reconstruction.dense_depth import DENSE_DIR, RAW_DIR, select_neighbours
from services.reconstruction.isolate import load_region
from services.reconstruction.stage import StageContext
from services.reconstruction.views import View, load_views

log = logging.getLogger(__name__)

NAME = "fuse"
FUSED = "fused.ply"
MIN_CONSISTENT = 3
MAX_REPROJ_PX = 1.0
MAX_REL_DEPTH = 0.01
NORMAL_WINDOW = 7
#: Pixels this close (px) to a hole or a depth jump are dropped: window matching drags
#: foreground depth a few pixels over the silhouette ("fattening"), which would grow the
#: piece by millimetres, exactly where its dimensions are measured.
EDGE_BAND = 2
#: Relative depth range within the band's window that counts as a jump.
EDGE_JUMP = 0.08
#: Merge voxel, in median pixel footprints.
VOXEL_FOOTPRINTS = 1.0


def backproject(v: View, depth: np.ndarray) -> np.ndarray:
    """World points (H, W, 3) of a depth map; NaN where the depth is."""
    h, w = depth.shape
    u, vv = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    Kinv = np.linalg.inv(v.K)
    pc = np.stack([(Kinv[0, 0] * u + Kinv[0, 2]) * depth,
                   (Kinv[1, 1] * vv + Kinv[1, 2]) * depth, depth], -1)
    return (pc - v.t) @ v.R


def consistency(v: View, depth: np.ndarray, others: list[tuple[View, np.ndarray]]
                ) -> np.ndarray:
    """How many of `others` agree with each pixel's depth."""
    valid = np.isfinite(depth)
    count = np.zeros(depth.shape, np.int16)
    if not valid.any():
        return count
    X = backproject(v, depth)[valid]
    pix = np.argwhere(valid)[:, ::-1].astype(np.float64)
    d_ref = depth[valid]
    for ov, od in others:
        uv, z = ov.project(X)
        ui, vi = np.round(uv[:, 0]).astype(int), np.round(uv[:, 1]).astype(int)
        inside = (z > 0) & (ui >= 0) & (vi >= 0) & (ui < od.shape[1]) & (vi < od.shape[0])
        ok = np.zeros(len(X), bool)
        idx = np.nonzero(inside)[0]
        dj = od[vi[idx], ui[idx]]
        fin = np.isfinite(dj)
        idx, dj = idx[fin], dj[fin]
        # back-project the neighbour's own depth at that pixel, bring it home
        Kinv = np.linalg.inv(ov.K)
        pc = np.stack([(Kinv[0, 0] * ui[idx] + Kinv[0, 2]) * dj,
                       (Kinv[1, 1] * vi[idx] + Kinv[1, 2]) * dj, dj], -1)
        Xj = (pc - ov.t) @ ov.R
        uv_back, z_back = v.project(Xj)
        err = np.linalg.norm(uv_back - pix[idx], axis=1)
        rel = np.abs(z_back - d_ref[idx]) / d_ref[idx]
        ok[idx] = (err < MAX_REPROJ_PX) & (rel < MAX_REL_DEPTH)
        count[valid] += ok.astype(np.int16)
    return count


def drop_edges(depth: np.ndarray) -> np.ndarray:
    """`depth` without the band around holes and depth discontinuities."""
    valid = np.isfinite(depth)
    k = np.ones((2 * EDGE_BAND + 1, 2 * EDGE_BAND + 1), np.uint8)
    hi = cv2.dilate(np.where(valid, depth, 0).astype(np.float32), k)
    lo = cv2.erode(np.where(valid, depth, np.inf).astype(np.float32), k)
    with np.errstate(invalid="ignore", divide="ignore"):
        jump = (hi - lo) > EDGE_JUMP * np.where(valid, depth, 1)
    # small holes (failed matches inside a surface) are not silhouettes: close them first
    closed = cv2.morphologyEx(valid.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((7, 7), np.uint8))
    near_hole = cv2.erode(closed, k) == 0
    return np.where(valid & ~jump & ~near_hole, depth, np.nan).astype(np.float32)


def pca_normals(v: View, depth: np.ndarray) -> np.ndarray:
    """Camera-frame unit normals (H, W, 3) facing the camera, from the local covariance
    of the back-projected depth map; zero where undefined."""
    h, w = depth.shape
    u, vv = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    Kinv = np.linalg.inv(v.K)
    valid = np.isfinite(depth).astype(np.float32)
    d = np.nan_to_num(depth, nan=0.0).astype(np.float32)
    P = [(Kinv[0, 0] * u + Kinv[0, 2]) * d, (Kinv[1, 1] * vv + Kinv[1, 2]) * d, d]
    win = (NORMAL_WINDOW, NORMAL_WINDOW)
    n = cv2.boxFilter(valid, -1, win, normalize=False)
    safe = np.maximum(n, 1)
    mean = [cv2.boxFilter(p, -1, win, normalize=False) / safe for p in P]
    cov = np.empty((h, w, 3, 3), np.float32)
    for i in range(3):
        for j in range(i, 3):
            c = cv2.boxFilter(P[i] * P[j], -1, win, normalize=False) / safe - mean[i] * mean[j]
            cov[..., i, j] = c
            cov[..., j, i] = c
    good = (n >= NORMAL_WINDOW * NORMAL_WINDOW * 0.5) & (valid > 0)
    normals = np.zeros((h, w, 3), np.float32)
    if good.any():
        _, vecs = np.linalg.eigh(cov[good].astype(np.float64))
        nrm = vecs[:, :, 0]
        p = np.stack([q[good] for q in P], -1)
        flip = (nrm * p).sum(1) > 0
        nrm[flip] *= -1
        normals[good] = nrm.astype(np.float32)
    return normals


def merge_views(views: list[View], stereo: Path, images: Path, box_min: np.ndarray,
                box_max: np.ndarray, check_stop: Any) -> tuple[Any, float]:
    """All views' kept depths as one cloud, averaged per voxel (a pixel's footprint):
    where several photos saw the same spot, their points are merged into one, which
    averages their noise. Returns (Open3D cloud with normals and colours, voxel size)."""
    import open3d as o3d

    xyz, nrm, rgb, footprints = [], [], [], []
    for v in views:
        check_stop()
        depth = colmap_maps.read_map(stereo / "depth_maps" / f"{v.name}.geometric.bin")
        normals = colmap_maps.read_map(stereo / "normal_maps" / f"{v.name}.geometric.bin")
        ok = depth > 0
        if not ok.any():
            continue
        X = backproject(v, np.where(ok, depth, np.nan))[ok]
        inside = (box_min <= X).all(1) & (box_max >= X).all(1)
        img = cv2.imread(str(images / v.name), cv2.IMREAD_COLOR)
        xyz.append(X[inside])
        nrm.append((normals[ok] @ v.R)[inside])  # camera → world
        rgb.append(img[ok][inside][:, ::-1] / 255.0)
        footprints.append(np.median(depth[ok]) / v.K[0, 0])
    if not xyz:
        raise FailedPrecondition("no depth survived the consistency checks: the photos may "
                                 "not overlap enough, or the piece lacks texture")
    pcd = o3d.geometry.PointCloud(o3d.utility.Vector3dVector(np.concatenate(xyz)))
    pcd.normals = o3d.utility.Vector3dVector(np.concatenate(nrm))
    pcd.colors = o3d.utility.Vector3dVector(np.concatenate(rgb))
    voxel = float(np.median(footprints)) * VOXEL_FOOTPRINTS
    merged = pcd.voxel_down_sample(voxel)
    merged.normalize_normals()
    return merged, voxel


def run(ctx: StageContext) -> dict[str, Any]:
    import open3d as o3d

    dense = ctx.path(DENSE_DIR)
    rec, views = load_views(dense / "sparse")
    stereo = dense / "stereo"
    raw = dense / RAW_DIR
    kept_total = raw_total = 0
    if raw.is_dir():  # our CPU depth maps: check them against each other first
        nb_names = select_neighbours(rec, views, max(ctx.options.preset.neighbours, 4))
        by_name = {v.name: v for v in views}

        def load(name: str) -> np.ndarray:
            return np.load(raw / f"{name}.npz")["depth"]

        for i, v in enumerate(views):
            ctx.check_stop()
            ctx.progress(0.7 * i / len(views), f"checking depths of {v.name}")
            depth = load(v.name)
            others = [(by_name[n], load(n)) for n in nb_names[v.name]]
            count = consistency(v, depth, others)
            need = min(MIN_CONSISTENT, max(1, len(others)))
            filtered = drop_edges(np.where(count >= need, depth, np.nan).astype(np.float32))
            # isolated survivors are noise; keep pixels with enough surviving neighbours
            alive = cv2.boxFilter(np.isfinite(filtered).astype(np.float32), -1, (5, 5))
            filtered[alive < 0.3] = np.nan
            normals = pca_normals(v, filtered)
            filtered[~(np.abs(normals).sum(-1) > 0)] = np.nan
            raw_total += int(np.isfinite(depth).sum())
            kept_total += int(np.isfinite(filtered).sum())
            colmap_maps.write_depth(stereo / "depth_maps" / f"{v.name}.geometric.bin", filtered)
            colmap_maps.write_normals(stereo / "normal_maps" / f"{v.name}.geometric.bin",
                                      normals)
    region = load_region(ctx.run_dir)
    ctx.progress(0.7, "merging depth maps")
    cloud, voxel = merge_views(views, stereo, dense / "images", np.array(region["box_min"]),
                               np.array(region["box_max"]), ctx.check_stop)
    tmp = dense / f".{FUSED}.tmp.ply"
    o3d.io.write_point_cloud(str(tmp), cloud)
    tmp.replace(dense / FUSED)
    n = len(cloud.points)
    log.info("kept %d of %d depths; fused %d points (voxel %.2f mm)", kept_total, raw_total,
             n, voxel * 1000)
    return {"depths": raw_total, "consistent": kept_total, "fused_points": n,
            "voxel": voxel}
