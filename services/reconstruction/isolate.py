"""Stage 6: where the piece is — a box above the floor around what the cameras look at.

Out: `scene/region.json` with `box_min`/`box_max` (world, metres). Dense matching,
fusion and meshing all work inside this box, so floor, mat, walls and strays never cost
time and never reach the mesh. A user crop box (options.crop_box) replaces the guess.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import numpy as np

from appliance.paths import atomic_write_text
from services.errors import FailedPrecondition
from services.reconstruction.geometry import triangulate
from services.reconstruction.options import CropBox
from services.reconstruction.scale_orient import SCENE_DIR
from services.reconstruction.stage import StageContext
from services.reconstruction.views import load_views

log = logging.getLogger(__name__)

NAME = "isolate"
REGION = "region.json"
#: Points lower than this are floor or mat (metres above z = 0).
FLOOR_MARGIN_M = 0.012
#: The piece is within this fraction of the cameras' horizontal distance to the target.
RADIUS_FRACTION = 0.8
#: Grown around the sparse points: sparse SfM points miss rims and tops.
BOX_MARGIN_M = 0.06


def load_region(run_dir: Path) -> dict[str, Any]:
    return json.loads((run_dir / SCENE_DIR / REGION).read_text())


def auto_box(points: np.ndarray, centres: np.ndarray, axes: np.ndarray) -> dict[str, Any]:
    """Box around the sparse points that belong to the piece."""
    target = triangulate(centres, axes)
    horiz = np.linalg.norm(centres[:, :2] - target[:2], axis=1)
    radius = RADIUS_FRACTION * float(np.median(horiz))
    top = float(np.percentile(centres[:, 2], 90))
    d = np.linalg.norm(points[:, :2] - target[:2], axis=1)
    keep = (points[:, 2] > FLOOR_MARGIN_M) & (d < radius) & (points[:, 2] < top + 0.3)
    piece = points[keep]
    if len(piece) < 20:
        raise FailedPrecondition(
            "could not find the piece above the floor; check the mat lies flat under or "
            "beside it, or set a crop box")
    # Strays: points far from the piece's mass, or alone (few neighbours nearby).
    med = np.median(piece, axis=0)
    mad = np.median(np.abs(piece - med), axis=0) + 1e-6
    piece = piece[(np.abs(piece - med) < 6 * 1.4826 * mad).all(axis=1)]
    if len(piece) > 10:
        from scipy.spatial import cKDTree

        k = min(5, len(piece) - 1)
        knn = cKDTree(piece).query(piece, k=k + 1)[0][:, -1]
        piece = piece[knn < 3 * np.median(knn)]
    # robust extremes: the outermost 1 % on each side do not set the box
    lo = np.percentile(piece, 1, axis=0) - BOX_MARGIN_M
    hi = np.percentile(piece, 99, axis=0) + BOX_MARGIN_M
    lo[2] = FLOOR_MARGIN_M
    return {"box_min": lo.tolist(), "box_max": hi.tolist(), "source": "auto",
            "target": target.tolist(), "radius": radius, "points": len(piece)}


def crop_region(box: CropBox) -> dict[str, Any]:
    return {"box_min": list(box.min), "box_max": list(box.max), "source": "crop_box"}


def write_region(run_dir: Path, region: dict[str, Any]) -> dict[str, Any]:
    """Store the region; returns the stage summary."""
    region["floor_margin"] = FLOOR_MARGIN_M
    atomic_write_text(run_dir / SCENE_DIR / REGION, json.dumps(region, indent=1))
    size = np.subtract(region["box_max"], region["box_min"])
    log.info("piece region %s: %.2f × %.2f × %.2f", region["source"], *size)
    return {"source": region["source"], "box_min": region["box_min"],
            "box_max": region["box_max"]}


def run(ctx: StageContext) -> dict[str, Any]:
    rec, views = load_views(ctx.path(SCENE_DIR, "model"))
    ctx.check_stop()
    if ctx.options.crop_box is not None:
        region = crop_region(ctx.options.crop_box)
    else:
        pts = np.array([p.xyz for p in rec.points3D.values()])
        region = auto_box(pts, np.array([v.center for v in views]),
                          np.array([v.axis for v in views]))
    return write_region(ctx.run_dir, region)
