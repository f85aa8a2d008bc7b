"""COLMAP's depth/normal map files, read and written directly.

Format: ASCII header `width&height&channels&`, then float32 values channel-planar
(all of channel 0 row by row, then channel 1, ...). Written here rather than through
pycolmap because `NormalMap.from_array` copies an (H, W, 3) array straight into that
planar layout and scrambles the normals (see NOTES.md); doing it ourselves does not
depend on whether a later pycolmap fixes or keeps that behaviour.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from appliance.paths import atomic_write


def _encode(planes: np.ndarray) -> bytes:
    c, h, w = planes.shape
    return f"{w}&{h}&{c}&".encode() + np.ascontiguousarray(planes, np.float32).tobytes()


def write_depth(path: Path, depth: np.ndarray) -> None:
    """Depth (H, W), camera z; NaN or ≤ 0 means unknown (COLMAP's 0)."""
    d = np.where(np.isfinite(depth) & (depth > 0), depth, 0).astype(np.float32)
    atomic_write(path, _encode(d[None]))


def write_normals(path: Path, normals: np.ndarray) -> None:
    """Unit normals (H, W, 3) in the camera frame."""
    atomic_write(path, _encode(np.moveaxis(normals.astype(np.float32), -1, 0)))


def read_map(path: Path) -> np.ndarray:
    """(H, W) for one channel, (H, W, C) otherwise."""
    data = path.read_bytes()
    pos = 0
    dims = []
    for _ in range(3):
        amp = data.index(b"&", pos)
        dims.append(int(data[pos:amp]))
        pos = amp + 1
    w, h, c = dims
    arr = np.frombuffer(data, np.float32, count=w * h * c, offset=pos).reshape(c, h, w)
    return arr[0].copy() if c == 1 else np.moveaxis(arr, 0, -1).copy()
