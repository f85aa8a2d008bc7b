"""Find the calibration mat's markers in the photos and place them in the SfM model.

Marker *centres* (the intersection of the detected quad's diagonals) carry the scale:
ArUco corners sit about a pixel inside the true black edge on soft photos, which would
shrink every marker by a few per cent, while the centre is unbiased.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps

from services.reconstruction.calibration_mat import MatLayout, aruco_dictionary
from services.reconstruction.geometry import line_intersection_2d, triangulate
from services.reconstruction.views import View

log = logging.getLogger(__name__)

#: Views whose ray misses the triangulated point by more than this (pixels) are dropped.
MAX_REPROJ_PX = 3.0


@dataclass
class MarkerPoint:
    """A marker centre triangulated in model coordinates."""

    marker_id: int
    xyz: np.ndarray
    views: int
    reproj_px: float


def detect(image: np.ndarray, layout: MatLayout) -> dict[int, np.ndarray]:
    """Marker id → 4 × 2 corners (OpenCV order, integer pixel centres), for the ids the
    layout knows. `image` is 8-bit grey."""
    params = cv2.aruco.DetectorParameters()
    params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    params.cornerRefinementWinSize = 4
    detector = cv2.aruco.ArucoDetector(aruco_dictionary(layout.dictionary), params)
    corners, ids, _ = detector.detectMarkers(image)
    known = layout.board_of()
    out: dict[int, np.ndarray] = {}
    if ids is None:
        return out
    for c, i in zip(corners, ids.ravel(), strict=True):
        if int(i) in known and int(i) not in out:
            out[int(i)] = c.reshape(4, 2).astype(float)
    return out


def detect_in_photo(source: Path, working_size: tuple[int, int],
                    layout: MatLayout) -> dict[int, np.ndarray]:
    """Detect on the original photo (more pixels per marker), return corners in the
    working image's pixels."""
    with Image.open(source) as raw:
        img = ImageOps.exif_transpose(raw).convert("L")
    grey = np.asarray(img)
    found = detect(grey, layout)
    sx = working_size[0] / grey.shape[1]
    sy = working_size[1] / grey.shape[0]
    return {i: (c + 0.5) * [sx, sy] - 0.5 for i, c in found.items()}


def marker_centre(corners: np.ndarray) -> np.ndarray:
    return line_intersection_2d(corners[0], corners[2], corners[1], corners[3])


def triangulate_centres(detections: dict[str, dict[int, np.ndarray]], views: list[View],
                        check_stop: Callable[[], None] | None = None) -> list[MarkerPoint]:
    """Triangulate each marker seen in ≥ 2 registered photos, dropping views that
    disagree by more than MAX_REPROJ_PX."""
    by_name = {v.name: v for v in views}
    obs: dict[int, list[tuple[View, np.ndarray]]] = {}
    for name, found in detections.items():
        view = by_name.get(name)
        if view is None:
            continue
        for mid, corners in found.items():
            obs.setdefault(mid, []).append((view, marker_centre(corners)))
    points = []
    for mid, seen in sorted(obs.items()):
        if check_stop:
            check_stop()
        keep = seen
        for _ in range(3):
            if len(keep) < 2:
                break
            X = _triangulate(keep)
            errs = np.array([_reproj(v, X, px) for v, px in keep])
            if errs.max() <= MAX_REPROJ_PX:
                points.append(MarkerPoint(mid, X, len(keep), float(np.sqrt((errs**2).mean()))))
                break
            keep = [k for k, e in zip(keep, errs, strict=True) if e <= max(MAX_REPROJ_PX,
                                                                           np.median(errs))]
    return points


def _triangulate(seen: list[tuple[View, np.ndarray]]) -> np.ndarray:
    origins = np.array([v.center for v, _ in seen])
    dirs = np.array([v.rays(px[None])[0] for v, px in seen])
    return triangulate(origins, dirs)


def _reproj(view: View, X: np.ndarray, px: np.ndarray) -> float:
    """Reprojection error through the camera's own model (distortion included)."""
    Xc = view.R @ X + view.t
    if Xc[2] <= 0:
        return float("inf")
    uv = np.asarray(view.camera.img_from_cam(Xc[None, :])).reshape(-1)[:2] - 0.5
    return float(np.linalg.norm(uv - px))
