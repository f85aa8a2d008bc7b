"""Render a synthetic furniture shoot with exact ground truth, in the shared datasets' format.

    python -m scripts.sample_data.render_shoot OUT [--photos N] [--size WxH] [--seed S]
                                                   [--scene ottoman|chair]

OUT receives images/IMG_0001.jpg ... (JPEG with EXIF), cameras.json, ground_truth.json,
gt_mesh.ply, panels/<name>.ply and a README.md, laid out like ../shared/datasets/armchair
so the same loaders and benchmarks read both.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from appliance.paths import atomic_write, atomic_write_text
from scripts.sample_data.cameras import (
    Camera,
    focal_35mm_equiv,
    sensor_size_mm,
    walk_around,
)
from scripts.sample_data.exif import jpeg_bytes
from scripts.sample_data.groundtruth import Mesh, build_mesh, ply_bytes, seen_counts
from scripts.sample_data.readme import shoot_readme
from scripts.sample_data.render import render
from scripts.sample_data.scenes import Scene, build_scene
from scripts.sample_data.world import World, build_world
from services.errors import InvalidArgument

log = logging.getLogger(__name__)

FRAME = ("x = width (left side at -x, 'left' as seen when facing the piece), y = depth (front of "
         "the piece faces -y), z = up; origin at the centre of the footprint on the floor")
CONVENTION = ("OpenCV pinhole: x_cam = R @ X_world + t; u = fx*x/z + cx, v = fy*y/z + cy; camera "
              "x right, y down, z forward; pixel centres at integer coordinates (top-left pixel "
              "centre = (0,0)); no distortion.")
#: Capture time of the first photo; later photos follow a few seconds apart.
SHOOT_START = datetime(2026, 3, 2, 10, 0, 0)


@dataclass
class ShootInfo:
    """Where a rendered shoot went and what it holds."""

    out_dir: Path
    scene: str
    images: list[Path]
    cameras: list[Camera]
    cameras_json: Path
    ground_truth_json: Path
    mesh_ply: Path
    dimensions_m: tuple[float, float, float]
    seconds: float
    render_seconds: list[float] = field(default_factory=list)


def check_size(size: tuple[int, int]) -> tuple[int, int]:
    w, h = int(size[0]), int(size[1])
    if not (16 <= w <= 12000 and 16 <= h <= 12000):
        raise InvalidArgument(f"image size {w}x{h} is out of range (16..12000)", field="size")
    return w, h


def shoot_world(scene: Scene, cameras: list[Camera], seed: int) -> World:
    """Textures sized for the closest view of the piece (finest ground sample distance)."""
    lo, hi = (np.array(v) for v in scene.bbox)
    dist = min(float(np.linalg.norm(c.center - np.clip(c.center, lo, hi))) for c in cameras)
    return build_world(scene, max(dist, 0.3) / cameras[0].K[0, 0], seed)


def _camera_json(cam: Camera, file: str) -> dict:
    def r(a: np.ndarray) -> list:
        return np.round(a, 12).tolist()

    return {"file": file, "kind": cam.kind, "width": cam.width, "height": cam.height,
            "K": r(cam.K), "R": r(cam.R), "t": r(cam.t), "center": r(cam.center)}


def cameras_document(cameras: list[Camera], files: list[str], focal_mm: float) -> dict:
    cam = cameras[0]
    size = (cam.width, cam.height)
    return {
        "convention": CONVENTION, "units": "metres", "width": cam.width, "height": cam.height,
        "fx": float(cam.K[0, 0]), "fy": float(cam.K[1, 1]),
        "cx": float(cam.K[0, 2]), "cy": float(cam.K[1, 2]),
        "focal_length_mm": focal_mm, "sensor_size_mm": list(sensor_size_mm(size)),
        "focal_length_35mm_equiv": focal_35mm_equiv(focal_mm, size),
        "images": [_camera_json(c, f) for c, f in zip(cameras, files, strict=True)],
    }


def ground_truth_document(scene: Scene, mesh: Mesh, seen: np.ndarray, n_images: int,
                          generator: dict) -> dict:
    areas = mesh.areas()
    lo, hi = mesh.vertices.min(axis=0), mesh.vertices.max(axis=0)
    panels = {}
    for i, name in enumerate(mesh.panel_names):
        info = scene.panel(name)
        sel = mesh.panel == i
        verts = mesh.vertices[mesh.faces[sel].ravel()]
        area = float(areas[sel].sum())
        seen_area = float(areas[sel & (seen >= 2)].sum())
        panels[name] = {
            "panel_id": i, "area_m2": round(area, 6), "upholstered": info.upholstered,
            "component": info.component, "material": info.material,
            "file": f"panels/{name}.ply" if info.upholstered else None,
            "triangles": int(sel.sum()), "visibility_note": info.note,
            "area_seen_by_2plus_images_m2": round(seen_area, 6),
            "fraction_seen_by_2plus_images": round(seen_area / area, 4) if area else 0.0,
            "bbox_min": np.round(verts.min(axis=0), 6).tolist(),
            "bbox_max": np.round(verts.max(axis=0), 6).tolist(),
        }
    mat = scene.mat
    return {
        "scene": scene.name, "description": scene.description, "units": "metres",
        "up_axis": "+Z", "floor_z": 0.0, "frame": FRAME,
        "dimensions": {"width_m": round(float(hi[0] - lo[0]), 6),
                       "depth_m": round(float(hi[1] - lo[1]), 6),
                       "height_m": round(float(hi[2] - lo[2]), 6)},
        "bbox_min": np.round(lo, 6).tolist(), "bbox_max": np.round(hi, 6).tolist(),
        "design_parameters": {
            **scene.design_parameters,
            "boxes": [{"name": b.name, "min": list(b.lo), "max": list(b.hi),
                       "part": b.part or b.name} for b in scene.boxes],
        },
        "panel_ids": mesh.panel_names,
        "panels": panels,
        "total_upholstered_area_m2": round(sum(
            p["area_m2"] for p in panels.values() if p["upholstered"]), 6),
        "fabric": {"kind": "procedural", "texture_tile_m": None,
                   "description": scene.fabric_description},
        "markers": {
            "dictionary": mat.dictionary, "marker_length_m": mat.marker_length,
            "plane_z_m": mat.z,
            "corner_order": "OpenCV detectMarkers order: top-left, top-right, bottom-right, "
            "bottom-left of the marker image; the marker image's up is +y and right is +x in "
            "the world",
            "mat_size_m": [mat.size, mat.size], "mat_centre": [0.0, 0.0, mat.z],
            "white_quiet_zone_m": mat.quiet_zone,
            "markers": [{"id": i, "center": [cx, cy, mat.z], "corners": mat.corners(i)}
                        for i, (cx, cy) in enumerate(mat.centres)],
        },
        "images": n_images,
        "area_notes": "Areas are exact areas of the box faces (flat rectangles, no seam "
        "allowance). Contact faces between frame parts are not in the mesh; the loose "
        "cushion's underside and the deck under it are. Seen-by-2+ figures test each "
        f"triangle's centroid (cells <= {generator['mesh_max_edge_m']} m).",
        "generator": generator,
    }


def render_shoot(out_dir: Path, photos: int = 24, size: tuple[int, int] = (1600, 1200),
                 seed: int = 0, scene: str = "ottoman", *, focal_mm: float = 4.8,
                 supersample: int = 2, quality: int = 92) -> ShootInfo:
    """Render `photos` views of `scene` into `out_dir` with cameras and ground truth."""
    start = time.perf_counter()
    size = check_size(size)
    if not 1 <= photos <= 1000:
        raise InvalidArgument("photos must be between 1 and 1000", field="photos")
    if not 1 <= quality <= 100:
        raise InvalidArgument("JPEG quality must be between 1 and 100", field="quality")
    if not 1 <= supersample <= 8:
        raise InvalidArgument("supersample must be between 1 and 8", field="supersample")
    out_dir = Path(out_dir)
    the_scene = build_scene(scene)
    cameras = walk_around(the_scene, photos, size, seed, focal_mm)
    world = shoot_world(the_scene, cameras, seed)
    log.info("rendering %d photos of %s at %dx%d into %s", photos, scene, *size, out_dir)
    files, paths, times = [], [], []
    for i, cam in enumerate(cameras):
        t0 = time.perf_counter()
        rgb = render(world, cam, supersample=supersample, seed=seed * 100003 + i)
        name = f"images/IMG_{i + 1:04d}.jpg"
        when = SHOOT_START + timedelta(seconds=4 * i)
        atomic_write(out_dir / name, jpeg_bytes(rgb, focal_mm, when, quality))
        files.append(name)
        paths.append(out_dir / name)
        times.append(time.perf_counter() - t0)
        log.debug("%s: %.2f s", name, times[-1])

    max_edge = 0.02
    mesh = build_mesh(the_scene, max_edge)
    seen = seen_counts(world, mesh, cameras)
    generator = {"tool": "scripts.sample_data.render_shoot", "scene": scene, "photos": photos,
                 "size": list(size), "seed": seed, "focal_mm": focal_mm,
                 "supersample": supersample, "jpeg_quality": quality,
                 "mesh_max_edge_m": max_edge}
    gt = ground_truth_document(the_scene, mesh, seen, photos, generator)
    comment = f"{scene} ground truth, metres, Z up, floor z=0"
    atomic_write(out_dir / "gt_mesh.ply", ply_bytes(mesh, comment))
    for name, panel in gt["panels"].items():
        if panel["file"]:
            keep = mesh.panel == panel["panel_id"]
            atomic_write(out_dir / panel["file"], ply_bytes(mesh, f"{scene} panel {name}", keep))
    cams_doc = cameras_document(cameras, files, focal_mm)
    atomic_write_text(out_dir / "cameras.json", json.dumps(cams_doc, indent=1))
    atomic_write_text(out_dir / "ground_truth.json", json.dumps(gt, indent=1))
    atomic_write_text(out_dir / "README.md", shoot_readme(gt, cams_doc, float(np.mean(times))))
    dims = gt["dimensions"]
    seconds = time.perf_counter() - start
    log.info("shoot done in %.1f s (%.2f s per photo)", seconds, float(np.mean(times)))
    return ShootInfo(out_dir, scene, paths, cameras, out_dir / "cameras.json",
                     out_dir / "ground_truth.json", out_dir / "gt_mesh.ply",
                     (dims["width_m"], dims["depth_m"], dims["height_m"]), seconds, times)


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1600x1200, not {text!r}") from None
    return w, h


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.sample_data.render_shoot",
        description="Render a synthetic furniture shoot with exact ground truth.")
    parser.add_argument("out", type=Path, help="output folder")
    parser.add_argument("--photos", type=int, default=24, help="number of photos (24)")
    parser.add_argument("--size", type=parse_size, default=(1600, 1200), help="WxH (1600x1200)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (0)")
    parser.add_argument("--scene", choices=["ottoman", "chair"], default="ottoman")
    parser.add_argument("--focal-mm", type=float, default=4.8,
                        help="focal length on a 6.4 mm wide sensor (4.8 = 26 mm equivalent)")
    parser.add_argument("--supersample", type=int, default=2, help="rays per pixel per axis")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        info = render_shoot(args.out, args.photos, args.size, args.seed, args.scene,
                            focal_mm=args.focal_mm, supersample=args.supersample)
    except InvalidArgument as exc:
        parser.error(exc.message)
    w, d, h = info.dimensions_m
    print(f"{len(info.images)} photos of the {info.scene} ({w:.3f} x {d:.3f} x {h:.3f} m) "
          f"in {info.out_dir} ({info.seconds:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
