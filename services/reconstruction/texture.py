"""Stage 10: colour the mesh from the photos (per vertex).

Out: `texture/mesh_full.ply`, `texture/mesh_display.ply` (the meshes with vertex colours).
Each vertex takes a weighted mean of the photos that see it — visible (a ray from the
camera reaches it first), facing the camera; weight cos⁴ of the viewing angle over the
squared distance, so head-on, close photos dominate and grazing ones barely count.
Vertices no photo sees take the colour of their coloured neighbours.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from services.reconstruction.dense_depth import DENSE_DIR
from services.reconstruction.mesh import DISPLAY, FULL, MESH_DIR
from services.reconstruction.stage import StageContext
from services.reconstruction.views import View, load_views

log = logging.getLogger(__name__)

NAME = "texture"
TEXTURE_DIR = "texture"
#: A vertex is visible when the ray hits within this of it (relative to its distance).
VISIBILITY_TOLERANCE = 0.004


def _sample(img: np.ndarray, uv: np.ndarray) -> np.ndarray:
    """Bilinear colour (N × 3, 0..1) at float pixel positions."""
    h, w = img.shape[:2]
    x = np.clip(uv[:, 0], 0, w - 1.001)
    y = np.clip(uv[:, 1], 0, h - 1.001)
    x0, y0 = x.astype(int), y.astype(int)
    fx, fy = (x - x0)[:, None], (y - y0)[:, None]
    im = img.astype(np.float64)
    top = im[y0, x0] * (1 - fx) + im[y0, x0 + 1] * fx
    bottom = im[y0 + 1, x0] * (1 - fx) + im[y0 + 1, x0 + 1] * fx
    return (top * (1 - fy) + bottom * fy) / 255.0


def vertex_colours(vertices: np.ndarray, normals: np.ndarray, scene: Any,
                   views: list[View], images: dict[str, np.ndarray],
                   check_stop: Any = None) -> np.ndarray:
    """RGB 0..1 per vertex; NaN where no photo sees it."""
    import open3d as o3d

    acc = np.zeros((len(vertices), 3))
    wsum = np.zeros(len(vertices))
    for v in views:
        if check_stop:
            check_stop()
        to_cam = v.center - vertices
        dist = np.linalg.norm(to_cam, axis=1)
        cos = (normals * to_cam).sum(1) / np.maximum(dist, 1e-9)
        uv, z = v.project(vertices)
        cand = (cos > 0.1) & (z > 0) & (uv[:, 0] >= 0) & (uv[:, 1] >= 0) \
            & (uv[:, 0] <= v.width - 1) & (uv[:, 1] <= v.height - 1)
        idx = np.nonzero(cand)[0]
        if not len(idx):
            continue
        dirs = -to_cam[idx] / dist[idx, None]
        rays = np.hstack([np.broadcast_to(v.center, (len(idx), 3)), dirs]).astype(np.float32)
        hit = scene.cast_rays(o3d.core.Tensor(rays))["t_hit"].numpy()
        vis = np.abs(hit - dist[idx]) < VISIBILITY_TOLERANCE * dist[idx] + 1e-4
        idx = idx[vis]
        w = cos[idx] ** 4 / dist[idx] ** 2
        acc[idx] += _sample(images[v.name], uv[idx]) * w[:, None]
        wsum[idx] += w
    colours = np.full((len(vertices), 3), np.nan)
    seen = wsum > 0
    colours[seen] = acc[seen] / wsum[seen, None]
    return colours


def fill_unseen(colours: np.ndarray, triangles: np.ndarray, rounds: int = 30,
                check_stop: Any = None) -> np.ndarray:
    """Spread colours over the mesh into vertices no photo saw."""
    c = colours.copy()
    for _ in range(rounds):
        if check_stop:
            check_stop()
        missing = np.isnan(c[:, 0])
        if not missing.any():
            break
        s = np.zeros_like(c)
        n = np.zeros(len(c))
        for a, b in ((0, 1), (1, 2), (2, 0), (1, 0), (2, 1), (0, 2)):
            src, dst = triangles[:, a], triangles[:, b]
            ok = ~np.isnan(c[src, 0]) & missing[dst]
            np.add.at(s, dst[ok], c[src[ok]])
            np.add.at(n, dst[ok], 1)
        upd = n > 0
        c[upd] = s[upd] / n[upd, None]
    c[np.isnan(c[:, 0])] = 0.5
    return c


def colour_mesh(path_in: Path, path_out: Path, scene: Any, views: list[View],
                images: dict[str, np.ndarray], check_stop: Any) -> int:
    import open3d as o3d

    mesh = o3d.io.read_triangle_mesh(str(path_in))
    if not mesh.has_vertex_normals():
        mesh.compute_vertex_normals()
    verts = np.asarray(mesh.vertices)
    cols = vertex_colours(verts, np.asarray(mesh.vertex_normals), scene, views, images,
                          check_stop)
    unseen = int(np.isnan(cols[:, 0]).sum())
    mesh.vertex_colors = o3d.utility.Vector3dVector(
        fill_unseen(cols, np.asarray(mesh.triangles), check_stop=check_stop))
    o3d.io.write_triangle_mesh(str(path_out), mesh)
    return unseen


def run(ctx: StageContext) -> dict[str, Any]:
    import open3d as o3d

    _, views = load_views(ctx.path(DENSE_DIR, "sparse"))
    images = {}
    for i, v in enumerate(views):
        ctx.check_stop()
        ctx.progress(0.2 * i / len(views), "loading photos")
        img = cv2.imread(str(ctx.path(DENSE_DIR, "images", v.name)), cv2.IMREAD_COLOR)
        images[v.name] = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
    full = o3d.t.io.read_triangle_mesh(str(ctx.path(MESH_DIR, FULL)))
    scene = o3d.t.geometry.RaycastingScene()
    scene.add_triangles(full.vertex.positions.to(o3d.core.float32),
                        full.triangle.indices.to(o3d.core.uint32))
    out = ctx.path(TEXTURE_DIR)
    out.mkdir(parents=True, exist_ok=True)
    ctx.progress(0.25, "colouring the full mesh")
    unseen = colour_mesh(ctx.path(MESH_DIR, FULL), out / FULL, scene, views, images,
                         ctx.check_stop)
    ctx.progress(0.75, "colouring the display mesh")
    colour_mesh(ctx.path(MESH_DIR, DISPLAY), out / DISPLAY, scene, views, images,
                ctx.check_stop)
    return {"method": "vertex_colours", "unseen_vertices": unseen}
