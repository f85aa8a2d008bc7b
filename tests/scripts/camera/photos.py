"""Small distinct test photos, made on the spot (nothing from ../shared)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image


def jpeg_bytes(seed: int, size: tuple[int, int] = (320, 240), fmt: str = "JPEG") -> bytes:
    """A small photo (JPEG, PNG or HEIF) no other seed repeats: smooth gradients plus
    noise, like a real photo enough for the box's checks (not blank, not clipped)."""
    rng = np.random.default_rng(seed)
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    base = np.stack(
        [
            128 + 60 * np.sin(xx / (9 + seed % 7) + seed),
            128 + 60 * np.cos(yy / (11 + seed % 5) - seed),
            128 + 50 * np.sin((xx + yy) / 13.0 + seed * 0.37),
        ],
        axis=-1,
    )
    pixels = np.clip(base + rng.normal(0, 12, base.shape), 0, 255).astype(np.uint8)
    out = io.BytesIO()
    if fmt == "HEIF":
        import pillow_heif

        pillow_heif.register_heif_opener()
    Image.fromarray(pixels).save(out, format=fmt, quality=88)
    return out.getvalue()


def write_photos(folder: Path, n: int, *, start: int = 0, prefix: str = "IMG_") -> list[Path]:
    """`n` JPEGs named like a camera's, each written to a hidden temp name and renamed,
    the way a careful sync tool drops them."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + n):
        path = folder / f"{prefix}{i:04d}.JPG"
        tmp = folder / f".{path.name}.part"
        tmp.write_bytes(jpeg_bytes(i))
        tmp.rename(path)
        paths.append(path)
    return paths
