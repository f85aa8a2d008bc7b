"""JPEG encoding with the EXIF a phone would write: make, model, focal lengths, orientation.

The focal figures are what SfM tools turn into a focal prior (pycolmap uses the 35 mm
equivalent over the image diagonal), so they must be consistent with the rendered K.
"""

from __future__ import annotations

import io
from datetime import datetime
from fractions import Fraction

import numpy as np
from PIL import Image, TiffImagePlugin

from scripts.sample_data.cameras import focal_35mm_equiv, sensor_size_mm

MAKE = "Synthetic"
MODEL = "Pinhole"
SOFTWARE = "StitchSketch scripts.sample_data"

# EXIF tag numbers (Pillow's ExifTags.Base names them; plain ints keep this file short).
_MAKE, _MODEL, _ORIENTATION, _SOFTWARE, _DATETIME, _EXIF_IFD = (
    0x010F, 0x0110, 0x0112, 0x0131, 0x0132, 0x8769)
_DATETIME_ORIGINAL, _FOCAL_LENGTH, _PIXEL_X, _PIXEL_Y = 0x9003, 0x920A, 0xA002, 0xA003
_FP_XRES, _FP_YRES, _FP_UNIT, _FOCAL_35 = 0xA20E, 0xA20F, 0xA210, 0xA405


def _rational(value: float) -> TiffImagePlugin.IFDRational:
    f = Fraction(value).limit_denominator(10000)
    return TiffImagePlugin.IFDRational(f.numerator, f.denominator)


def jpeg_bytes(rgb: np.ndarray, focal_mm: float, when: datetime, quality: int = 92,
               subsampling: int | None = None, make: str = MAKE, model: str = MODEL) -> bytes:
    """Encode an RGB uint8 image as a JPEG with camera EXIF (orientation 1).

    `subsampling` is Pillow's chroma code (0 = 4:4:4, 2 = 4:2:0 as phones write); by
    default full chroma at quality >= 90, which keeps fine colour texture for matching.
    """
    if subsampling is None:
        subsampling = 0 if quality >= 90 else 2
    h, w = rgb.shape[:2]
    sw, sh = sensor_size_mm((w, h))
    stamp = when.strftime("%Y:%m:%d %H:%M:%S")
    exif = Image.Exif()
    exif[_MAKE], exif[_MODEL], exif[_SOFTWARE] = make, model, SOFTWARE
    exif[_ORIENTATION], exif[_DATETIME] = 1, stamp
    sub = exif.get_ifd(_EXIF_IFD)
    sub[_DATETIME_ORIGINAL] = stamp
    sub[_PIXEL_X], sub[_PIXEL_Y] = w, h
    sub[_FOCAL_LENGTH] = _rational(focal_mm)
    sub[_FOCAL_35] = focal_35mm_equiv(focal_mm, (w, h))
    # Focal-plane resolution in pixels per cm (unit 3): tells tools the sensor size.
    sub[_FP_XRES], sub[_FP_YRES] = _rational(w / (sw / 10)), _rational(h / (sh / 10))
    sub[_FP_UNIT] = 3
    buf = io.BytesIO()
    Image.fromarray(rgb, "RGB").save(buf, "JPEG", quality=quality, exif=exif.tobytes(),
                                     subsampling=subsampling)
    return buf.getvalue()
