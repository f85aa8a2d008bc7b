"""Stage 9: fused points → a clean surface, full resolution and a browser-sized copy.

Out: `mesh/mesh_full.ply` (kept for patterns) and `mesh/mesh_display.ply` (≤ the display
budget in triangles). Screened Poisson with octree cells of about two point spacings,
then: drop the surface Poisson invents where no photo looked (far from every fused point,
or of the lowest density), cut to the piece's box, keep the big connected pieces, remove
non-manifold edges and degenerate triangles; quadric decimation for the display copy.
"""

from __future__ import annotations

import logging
from typing import Any

from services.reconstruction import isolated
from services.reconstruction.dense_depth import DENSE_DIR
from services.reconstruction.fuse import FUSED
from services.reconstruction.isolate import load_region
from services.reconstruction.stage import StageContext

log = logging.getLogger(__name__)

NAME = "mesh"
MESH_DIR = "mesh"
FULL = "mesh_full.ply"
DISPLAY = "mesh_display.ply"
#: Vertices whose Poisson density is in this lowest fraction are dropped.
DENSITY_QUANTILE = 0.02
#: Surface farther than this many point spacings from every fused point is invented.
SUPPORT_SPACINGS = 4.0
#: Components smaller than this fraction of the largest are strays.
MIN_COMPONENT_FRACTION = 0.02


def mesh_child(fused: str, out_full: str, out_display: str, depth: int,
               box_min: list[float], box_max: list[float], display_budget: int) -> dict:
    """In the child: Poisson, trim, clean, decimate, write."""
    import numpy as np
    import open3d as o3d
    from scipy.spatial import cKDTree

    pcd = o3d.io.read_point_cloud(fused)
    if len(pcd.points) < 100:
        raise RuntimeError(f"only {len(pcd.points)} fused points: nothing to mesh")
    if not pcd.has_normals():
        pcd.estimate_normals()
    # octree cells about two point spacings: finer only adds triangles (and minutes), not
    # accuracy, which the fused points set (measured: depth 7, 8, 9 within 0.05 mm)
    pts = np.asarray(pcd.points)
    tree = cKDTree(pts)
    spacing = float(np.median(tree.query(pts[:: max(1, len(pts) // 20000)], k=2)[0][:, 1]))
    extent = float((pts.max(0) - pts.min(0)).max()) * 1.1
    depth = int(min(depth, max(6, round(np.log2(extent / (2 * spacing))))))
    print(f"poisson: {len(pcd.points)} points, spacing {spacing * 1000:.2f} mm, depth {depth}",
          flush=True)
    mesh, dens = o3d.geometry.TriangleMesh.create_from_point_cloud_poisson(
        pcd, depth=depth, scale=1.1, linear_fit=False, n_threads=-1)
    dens = np.asarray(dens)
    print(f"poisson done: {len(mesh.triangles)} triangles", flush=True)
    v = np.asarray(mesh.vertices)
    lo, hi = np.asarray(box_min), np.asarray(box_max)
    # Poisson closes the surface everywhere; keep only what measured points are near
    # (a few point spacings), so unseen parts become holes instead of invented skin.
    far, _ = tree.query(v, distance_upper_bound=SUPPORT_SPACINGS * spacing)
    drop = (~np.isfinite(far) | (dens < np.quantile(dens, DENSITY_QUANTILE))
            | (v < lo).any(1) | (v > hi).any(1))
    print(f"dropping {int(drop.sum())} vertices", flush=True)
    mesh.remove_vertices_by_mask(drop)
    mesh.remove_degenerate_triangles()
    mesh.remove_duplicated_triangles()
    mesh.remove_duplicated_vertices()
    mesh.remove_non_manifold_edges()
    labels, counts, _ = mesh.cluster_connected_triangles()
    labels, counts = np.asarray(labels), np.asarray(counts)
    if len(counts):
        small = counts < MIN_COMPONENT_FRACTION * counts.max()
        mesh.remove_triangles_by_mask(small[labels])
    mesh.remove_unreferenced_vertices()
    mesh.compute_vertex_normals()
    print(f"cleaned: {len(mesh.triangles)} triangles", flush=True)
    o3d.io.write_triangle_mesh(out_full, mesh)
    display = mesh
    if len(mesh.triangles) > display_budget:
        display = mesh.simplify_quadric_decimation(display_budget)
        display.remove_unreferenced_vertices()
        display.compute_vertex_normals()
    o3d.io.write_triangle_mesh(out_display, display)
    return {"triangles": len(mesh.triangles), "vertices": len(mesh.vertices),
            "display_triangles": len(display.triangles),
            "components": int((~small).sum()) if len(counts) else 0,
            "watertight": bool(mesh.is_watertight())}


def _parse(line: str) -> tuple[float, str] | None:
    if line.startswith("poisson done"):
        return 0.7, "cleaning the surface"
    if line.startswith("cleaned"):
        return 0.85, "making the display mesh"
    return None


def run(ctx: StageContext) -> dict[str, Any]:
    out = ctx.path(MESH_DIR)
    out.mkdir(parents=True, exist_ok=True)
    region = load_region(ctx.run_dir)
    ctx.progress(0.05, "building the surface")
    return isolated.call(ctx, f"{__name__}:mesh_child", str(ctx.path(DENSE_DIR, FUSED)),
                         str(out / FULL), str(out / DISPLAY), ctx.options.preset.poisson_depth,
                         region["box_min"], region["box_max"], ctx.options.display_budget,
                         log_name=NAME, parser=_parse)
