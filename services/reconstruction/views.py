"""Registered cameras of a COLMAP model as plain numpy (K, R, t), for our own code."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass
class View:
    """One registered photo: x_cam = R · X + t, pixel = K · x_cam / z (pixel centres at
    integer coordinates, COLMAP's +0.5 already removed), plus COLMAP's camera for
    distortion-aware unprojection."""

    image_id: int
    name: str
    K: np.ndarray
    R: np.ndarray
    t: np.ndarray
    width: int
    height: int
    camera: object  # pycolmap.Camera

    @property
    def center(self) -> np.ndarray:
        return -self.R.T @ self.t

    @property
    def axis(self) -> np.ndarray:
        """Viewing direction (camera +z) in world coordinates."""
        return self.R[2]

    def project(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pinhole projection (no distortion) of N × 3 points → (N × 2 pixels, N depths)."""
        Xc = X @ self.R.T + self.t
        z = Xc[:, 2]
        uv = Xc[:, :2] / np.where(np.abs(z) < 1e-12, 1e-12, z)[:, None]
        uv = uv * [self.K[0, 0], self.K[1, 1]] + [self.K[0, 2], self.K[1, 2]]
        return uv, z

    def rays(self, pixels: np.ndarray) -> np.ndarray:
        """Unit world directions through pixels (integer-centre convention), with the
        camera's distortion removed."""
        normalized = np.asarray(self.camera.cam_from_img(np.asarray(pixels, float) + 0.5))
        d = np.hstack([normalized, np.ones((len(normalized), 1))]) @ self.R
        return d / np.linalg.norm(d, axis=1, keepdims=True)


def load_views(model_dir: Path) -> tuple[object, list[View]]:
    """(pycolmap.Reconstruction, registered views sorted by name)."""
    import pycolmap

    rec = pycolmap.Reconstruction(str(model_dir))
    views = []
    for im in rec.images.values():
        if not im.has_pose:
            continue
        cam = rec.cameras[im.camera_id]
        cfw = im.cam_from_world()
        K = np.array(cam.calibration_matrix(), float)
        K[0, 2] -= 0.5  # COLMAP puts pixel centres at +0.5; we use integer centres
        K[1, 2] -= 0.5
        views.append(View(im.image_id, im.name, K, np.array(cfw.rotation.matrix()),
                          np.array(cfw.translation), cam.width, cam.height, cam))
    views.sort(key=lambda v: v.name)
    return rec, views
