"""Stage 1: photos → upright working-size JPEGs plus a manifest with each focal prior.

Out: `images/<name>.jpg`, `images/manifest.json`. Downscaling here (once) keeps every
later stage's cost independent of the camera's resolution; the EXIF focal length is
read from the original, because a resized file's EXIF no longer matches its pixels.
"""

from __future__ import annotations

import io
import json
import logging
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageOps

from appliance.paths import atomic_write, atomic_write_text
from services.errors import InvalidArgument
from services.reconstruction.stage import StageContext

log = logging.getLogger(__name__)

NAME = "prepare_images"
OUT_DIR = "images"
MANIFEST = "manifest.json"
MIN_PHOTOS = 3

_EXIF_IFD = 0x8769
_FOCAL_MM = 37386
_FOCAL_35MM = 41989
_FOCAL_PLANE_X_RES = 41486
_FOCAL_PLANE_UNIT = 41488
_EXIF_WIDTH = 40962
_UNIT_MM = {2: 25.4, 3: 10.0, 4: 1.0, 5: 0.001}
_FULL_FRAME_DIAGONAL_MM = math.hypot(36.0, 24.0)

try:  # HEIC from phones; optional so the module imports without it
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover
    pass


@dataclass
class PreparedImage:
    """One working image and where it came from."""

    name: str
    source: str
    width: int
    height: int
    original_width: int
    original_height: int
    #: Focal length prior at working size, pixels; None when the photo had no EXIF focal.
    focal_px: float | None
    #: Photos with the same key share one camera model in SfM.
    camera_key: str


def focal_prior_px(image: Image.Image) -> float | None:
    """Focal length in pixels of `image` (as stored, before orientation) from its EXIF.

    Sensor resolution beats the 35 mm figure; the 35 mm equivalent is defined on the
    diagonal (a width-based conversion is ~4 % off on 4:3 sensors).
    """
    exif = image.getexif()
    ifd = exif.get_ifd(_EXIF_IFD)
    w, h = image.size
    f_mm = _rational(ifd.get(_FOCAL_MM))
    res = _rational(ifd.get(_FOCAL_PLANE_X_RES))
    unit = _UNIT_MM.get(int(ifd.get(_FOCAL_PLANE_UNIT, 2) or 2))
    if f_mm and res and unit:
        exif_w = _rational(ifd.get(_EXIF_WIDTH)) or max(w, h)
        f_px = f_mm * res / unit * (max(w, h) / exif_w)
        if 0.3 * max(w, h) < f_px < 5 * max(w, h):
            return f_px
    f35 = _rational(ifd.get(_FOCAL_35MM))
    if f35:
        return f35 / _FULL_FRAME_DIAGONAL_MM * math.hypot(w, h)
    return None


def _rational(value: Any) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return v if math.isfinite(v) and v > 0 else None


def _unique_names(photos: list[Path]) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    for p in photos:
        stem = p.stem
        name = f"{stem}.jpg"
        k = 1
        while name.lower() in seen:
            k += 1
            name = f"{stem}_{k}.jpg"
        seen.add(name.lower())
        names.append(name)
    return names


def prepare_one(source: Path, dest: Path, max_size: int) -> PreparedImage:
    """Decode, apply EXIF orientation, downscale (area filter), write JPEG."""
    try:
        with Image.open(source) as raw:
            focal = focal_prior_px(raw)
            make = str(raw.getexif().get(271, "")) + "/" + str(raw.getexif().get(272, ""))
            img = ImageOps.exif_transpose(raw).convert("RGB")
    except (OSError, ValueError) as exc:
        raise InvalidArgument(f"cannot read photo {source.name}: {exc}", field="photos") from exc
    ow, oh = img.size
    scale = min(1.0, max_size / max(ow, oh))
    if scale < 1.0:
        img = img.resize((round(ow * scale), round(oh * scale)), Image.Resampling.LANCZOS,
                         reducing_gap=3.0)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=95)
    atomic_write(dest, buf.getvalue())
    w, h = img.size
    # orientation swaps width and height, not the focal length in pixels
    focal_px = focal * max(w, h) / max(ow, oh) if focal else None
    key = f"{make}|{ow}x{oh}|{round(focal, 1) if focal else 'nofocal'}"
    return PreparedImage(dest.name, str(source), w, h, ow, oh, focal_px, key)


def load_manifest(run_dir: Path) -> list[PreparedImage]:
    data = json.loads((run_dir / OUT_DIR / MANIFEST).read_text())
    return [PreparedImage(**d) for d in data["images"]]


def run(ctx: StageContext) -> dict[str, Any]:
    photos = ctx.photos
    if len(photos) < MIN_PHOTOS:
        raise InvalidArgument(f"need at least {MIN_PHOTOS} photos, got {len(photos)}",
                              field="photos")
    out = ctx.path(OUT_DIR)
    out.mkdir(parents=True, exist_ok=True)
    names = _unique_names(photos)
    prepared: list[PreparedImage] = []
    skipped: list[str] = []
    for i, (src, name) in enumerate(zip(photos, names, strict=True)):
        ctx.check_stop()
        ctx.progress(i / len(photos), f"preparing {src.name}")
        try:
            prepared.append(prepare_one(src, out / name, ctx.options.sparse_size))
        except InvalidArgument as exc:
            log.warning("%s", exc.message)
            skipped.append(src.name)
    if len(prepared) < MIN_PHOTOS:
        raise InvalidArgument(f"only {len(prepared)} of {len(photos)} photos could be read",
                              field="photos")
    sizes = np.array([[p.width, p.height] for p in prepared])
    atomic_write_text(out / MANIFEST, json.dumps(
        {"images": [asdict(p) for p in prepared], "unreadable": skipped}, indent=1))
    return {
        "images": len(prepared),
        "unreadable": skipped,
        "working_size": int(sizes.max()),
        "with_focal_prior": sum(p.focal_px is not None for p in prepared),
    }
