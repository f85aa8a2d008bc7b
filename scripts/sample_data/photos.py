"""Photo sets for ingest tests, benchmarks and the demo project.

`sample_jpegs` makes many distinct phone-sized JPEGs quickly: one rendered view (cached
per size and seed) cropped at a different offset and exposure per photo, so every file
has its own SHA-256 while each still looks like a sharp, well-exposed photo with EXIF.
`demo_photos` is a small real shoot of the chair for the demo project.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
from datetime import timedelta
from pathlib import Path

import cv2
import numpy as np

from appliance.paths import atomic_write
from scripts.sample_data.cameras import SENSOR_WIDTH_MM, walk_around
from scripts.sample_data.exif import jpeg_bytes
from scripts.sample_data.render import render
from scripts.sample_data.render_shoot import SHOOT_START, check_size, render_shoot, shoot_world
from scripts.sample_data.scenes import build_scene
from services.errors import InvalidArgument

log = logging.getLogger(__name__)

FOCAL_MM = 4.8
#: Extra pixels rendered on each side of the base view, to crop each photo from.
_MARGIN = 24

DEMO_SIZE = (1024, 768)


@functools.lru_cache(maxsize=2)
def _base_view(size: tuple[int, int], seed: int) -> np.ndarray:
    """One rendered view of the ottoman, `_MARGIN` px larger than `size` on every side."""
    w, h = size
    big = (w + 2 * _MARGIN, h + 2 * _MARGIN)
    scene = build_scene("ottoman")
    cam = walk_around(scene, 8, big, seed)[int(seed) % 8]
    # The focal follows the photo's width, not the padded one: the crops match their EXIF.
    K = cam.K.copy()
    K[0, 0] = K[1, 1] = FOCAL_MM / SENSOR_WIDTH_MM * w
    cam = dataclasses.replace(cam, K=K)
    world = shoot_world(scene, [cam], seed)
    log.info("rendering a %dx%d base view for sample photos", *big)
    return render(world, cam, supersample=1, noise_sigma=2.5, seed=seed)


def sample_jpegs(out_dir: Path, n: int, size: tuple[int, int] = (4000, 3000), seed: int = 0,
                 quality: int = 92) -> list[Path]:
    """Write `n` distinct photo-like JPEGs (with EXIF focal length) as IMG_0001.jpg ...

    Fast: the scene is rendered once per (size, seed) per process; each photo is a
    shifted crop with its own exposure and white balance, so contents and hashes differ.
    """
    if n < 0:
        raise InvalidArgument("n must not be negative", field="n")
    size = check_size(size)
    w, h = size
    base = _base_view(size, seed)
    rng = np.random.default_rng([seed, 4242])
    out_dir = Path(out_dir)
    paths = []
    for i in range(n):
        dx, dy = (int(v) for v in rng.integers(0, 2 * _MARGIN + 1, 2))
        gain = rng.uniform(0.93, 1.05) * rng.uniform(0.97, 1.03, 3)
        lut = np.clip(np.arange(256)[:, None] * gain[None, :] + 0.5, 0, 255).astype(np.uint8)
        crop = np.ascontiguousarray(base[dy:dy + h, dx:dx + w])
        photo = cv2.merge([cv2.LUT(crop[..., c], lut[:, c]) for c in range(3)])
        when = SHOOT_START + timedelta(seconds=2 * i)
        path = out_dir / f"IMG_{i + 1:04d}.jpg"
        atomic_write(path, jpeg_bytes(photo, FOCAL_MM, when, quality, subsampling=2))
        paths.append(path)
    return paths


def demo_photos(out_dir: Path, n: int = 12, seed: int = 0) -> list[Path]:
    """The demo project's photos: a small shoot of the chair at 1024x768 (with ground truth).

    Returns the JPEG paths (under `out_dir/images`). A folder that already holds the same
    shoot is reused, so a demo restart does not render again.
    """
    out_dir = Path(out_dir)
    gt = out_dir / "ground_truth.json"
    want = {"scene": "chair", "photos": n, "size": list(DEMO_SIZE), "seed": seed}
    if gt.is_file():
        try:
            gen = json.loads(gt.read_text())["generator"]
            images = [out_dir / f"images/IMG_{i + 1:04d}.jpg" for i in range(n)]
            if all(gen.get(k) == v for k, v in want.items()) and all(
                    p.is_file() for p in images):
                return images
        except (ValueError, KeyError, TypeError):
            log.warning("ignoring unreadable %s; rendering the demo photos again", gt)
    return render_shoot(out_dir, n, DEMO_SIZE, seed, "chair").images
