"""Small test photos made on the fly (no files from ../shared)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image


def jpeg(seed: int, size: tuple[int, int] = (1024, 768)) -> bytes:
    """A sharp, well-exposed, unique JPEG: random blocks over a gradient."""
    rng = np.random.default_rng(seed)
    w, h = size
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack([(x * 255 // w), (y * 255 // h), ((x + y) * 127 // (w + h)) + 64], axis=-1)
    blocks = rng.integers(0, 256, size=(h // 16 + 1, w // 16 + 1, 3))
    texture = np.kron(blocks, np.ones((16, 16, 1)))[:h, :w]
    image = (0.5 * base + 0.5 * texture).clip(0, 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(image).save(out, "JPEG", quality=90)
    return out.getvalue()
