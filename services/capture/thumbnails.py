"""The small upright JPEG the photo grids show (longest side 320 px)."""

from __future__ import annotations

import io

from PIL import Image

THUMBNAIL_SIZE = 320
THUMBNAIL_QUALITY = 82


def shrink(upright: Image.Image, size: int = THUMBNAIL_SIZE) -> Image.Image:
    """`upright` fitted into `size`×`size`; never enlarged.

    A box reduction by the integer part of the factor, then a short bilinear step:
    as good as an antialiased resize here and several times cheaper.
    """
    w, h = upright.size
    k = size / max(w, h)
    if k >= 1.0:
        return upright
    target = (max(1, round(w * k)), max(1, round(h * k)))
    factor = int(1 / k)
    small = upright.reduce(factor) if factor >= 2 else upright
    return small if small.size == target else small.resize(target, Image.Resampling.BILINEAR)


def encode_jpeg(image: Image.Image, quality: int = THUMBNAIL_QUALITY) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def make_thumbnail(upright: Image.Image, size: int = THUMBNAIL_SIZE) -> bytes:
    """JPEG bytes of `upright` (RGB) shrunk to fit `size`×`size`."""
    return encode_jpeg(shrink(upright, size))
