"""Pinhole cameras and the seeded hand-held walk-around of a shoot.

OpenCV convention, as in the shared datasets: x_cam = R @ X_world + t, camera x right,
y down, z forward, pixel centres at integer coordinates, no distortion.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from scripts.sample_data.scenes import Scene
from services.errors import InvalidArgument

#: The fictional sensor of the shared datasets: 6.4 mm wide (4:3), so 4.8 mm is a 26 mm
#: equivalent; pycolmap derives its focal prior from these EXIF figures.
SENSOR_WIDTH_MM = 6.4
FULL_FRAME_DIAGONAL_MM = math.hypot(36.0, 24.0)


@dataclass(frozen=True)
class Camera:
    """One photo's intrinsics and pose."""

    K: np.ndarray  # (3, 3)
    R: np.ndarray  # (3, 3) world -> camera
    t: np.ndarray  # (3,)
    width: int
    height: int
    kind: str = "ring1"

    @property
    def center(self) -> np.ndarray:
        return -self.R.T @ self.t

    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pixel coordinates (N, 2) and depths (N,) of world points (N, 3)."""
        cam = points @ self.R.T + self.t
        z = cam[:, 2]
        uv = cam[:, :2] / z[:, None] * np.array([self.K[0, 0], self.K[1, 1]]) + self.K[:2, 2]
        return uv, z


def sensor_size_mm(size: tuple[int, int]) -> tuple[float, float]:
    """Sensor of SENSOR_WIDTH_MM with square pixels for an image of `size` (w, h)."""
    w, h = size
    return SENSOR_WIDTH_MM, SENSOR_WIDTH_MM * h / w


def focal_35mm_equiv(focal_mm: float, size: tuple[int, int]) -> int:
    """EXIF FocalLengthIn35mmFilm: the focal scaled by the diagonal crop factor."""
    sw, sh = sensor_size_mm(size)
    return round(focal_mm * FULL_FRAME_DIAGONAL_MM / math.hypot(sw, sh))


def intrinsics(size: tuple[int, int], focal_mm: float) -> np.ndarray:
    w, h = size
    f = focal_mm / SENSOR_WIDTH_MM * w
    return np.array([[f, 0.0, (w - 1) / 2], [0.0, f, (h - 1) / 2], [0.0, 0.0, 1.0]])


def look_at(center: np.ndarray, target: np.ndarray, roll_rad: float = 0.0
            ) -> tuple[np.ndarray, np.ndarray]:
    """(R, t) of a camera at `center` looking at `target` with world +Z up in the image."""
    z = target - center
    z = z / np.linalg.norm(z)
    x = np.cross(z, [0.0, 0.0, 1.0])
    x /= np.linalg.norm(x)
    y = np.cross(z, x)
    c, s = math.cos(roll_rad), math.sin(roll_rad)
    roll = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
    R = roll @ np.stack([x, y, z])
    return R, -R @ center


def walk_around(scene: Scene, n: int, size: tuple[int, int], seed: int = 0,
                focal_mm: float = 4.8) -> list[Camera]:
    """A seeded hand-held walk around the piece: a low ring then a high ring.

    Radii scale with the mat, so the whole mat (all markers) and the piece stay mostly in
    the frame of a 26 mm-equivalent lens; azimuth, distance, height, aim and roll jitter
    as they would for a person walking round with a phone.
    """
    if n < 1:
        raise InvalidArgument("a shoot needs at least one photo", field="photos")
    rng = np.random.default_rng([seed, 7919])
    K = intrinsics(size, focal_mm)
    (_, _, _), (_, _, top) = scene.bbox
    n_low = n if n < 8 else math.ceil(n * 0.6)
    rings = [("ring1", n_low, 1.25 * scene.mat.size, 1.0, 0.0)]
    if n > n_low:
        rings.append(("ring2", n - n_low, 1.1 * scene.mat.size, 1.55, 0.5))
    cams: list[Camera] = []
    for kind, count, radius, height, phase in rings:
        step = 2 * math.pi / count
        for i in range(count):
            az = (i + phase) * step + rng.uniform(-0.2, 0.2) * step
            r = radius * rng.uniform(0.95, 1.05)
            centre = np.array([r * math.sin(az), -r * math.cos(az),
                               height + rng.uniform(-0.06, 0.06)])
            target = np.array([rng.uniform(-0.05, 0.05), rng.uniform(-0.05, 0.05),
                               0.35 * top + rng.uniform(-0.04, 0.04)])
            R, t = look_at(centre, target, math.radians(rng.uniform(-2.5, 2.5)))
            cams.append(Camera(K, R, t, size[0], size[1], kind))
    return cams
