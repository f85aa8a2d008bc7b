"""Is this upload a photo we can use? Format, size limits, decode, orientation, EXIF.

Everything here works on bytes in memory and never trusts the header blindly: the
format is sniffed from magic bytes, the pixel count is read from the header and
refused BEFORE anything is decoded (a decompression bomb costs nothing), and JPEGs
are decoded with libjpeg's DCT scaling straight to the working size, which is what
makes ingest cheap enough for 20 photos a second on two cores.

Focal length in pixels: from the 35 mm-equivalent focal length with the diagonal
convention (f_px = f35 · diag_px / 43.27 mm, the diagonal of a 36×24 mm frame), which
holds for any aspect ratio; failing that from FocalLength and FocalPlaneXResolution
(pixels per sensor unit, scaled when the stored image is smaller than the sensor's
PixelXDimension). Both are invariant under EXIF rotation.
"""

from __future__ import annotations

import io
import logging
import math
import warnings
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

import numpy as np
from PIL import ExifTags, Image
from pillow_heif import register_heif_opener

from services.errors import InvalidArgument, ResourceExhausted

log = logging.getLogger(__name__)

register_heif_opener()

#: Default pixel limit (120 MP). Pillow's own bomb guard is set to it too (Pillow warns
#: above MAX_IMAGE_PIXELS and refuses above twice that), for any Pillow use in the process;
#: `decode_photo` refuses anything over the configured limit itself, from the header.
DEFAULT_MAX_PIXELS = 120_000_000
Image.MAX_IMAGE_PIXELS = DEFAULT_MAX_PIXELS

#: Longest side of the image the quality checks and the thumbnail are computed from.
# NOTE: the meaning of PhotoQuality.sharpness in capture.proto depends on this value.
WORKING_SIZE = 1000

#: Where the photo's bytes are at fault, for INVALID_ARGUMENT details.
DATA_FIELD = "chunk.data"

#: Stored format name → (Pillow format, MIME type, file extension).
FORMATS: dict[str, tuple[str, str, str]] = {
    "jpeg": ("JPEG", "image/jpeg", "jpg"),
    "png": ("PNG", "image/png", "png"),
    "heic": ("HEIF", "image/heic", "heic"),
}
_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}

# EXIF orientation → the transpose that makes the image upright (as ImageOps.exif_transpose).
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SIDEWAYS = {5, 6, 7, 8}
_FRAME_35MM_DIAGONAL = math.hypot(36.0, 24.0)
_UNIT_MM = {2: 25.4, 3: 10.0, 4: 1.0, 5: 0.001}  # FocalPlaneResolutionUnit → mm


@dataclass(frozen=True)
class Limits:
    """What the box accepts per photo."""

    max_bytes: int = 60_000_000
    max_pixels: int = DEFAULT_MAX_PIXELS


@dataclass(frozen=True)
class ExifInfo:
    """Camera facts from EXIF; zero or empty when unknown."""

    make: str = ""
    model: str = ""
    focal_length_mm: float = 0.0
    focal_length_35mm: float = 0.0
    focal_length_px: float = 0.0
    orientation: int = 1
    #: DateTimeOriginal as Unix seconds, 0 when absent.
    taken_at: float = 0.0


@dataclass
class DecodedPhoto:
    """A checked photo: its facts and an upright RGB copy at the working size."""

    format: str
    width: int  # after orientation
    height: int
    exif: ExifInfo
    working: Image.Image  # RGB, upright, longest side WORKING_SIZE


def allow_pixels(max_pixels: int) -> None:
    """Let Pillow's process-wide bomb guard admit photos up to a configured limit above
    the default (the explicit header check in `decode_photo` is what refuses)."""
    Image.MAX_IMAGE_PIXELS = max(Image.MAX_IMAGE_PIXELS or 0, max_pixels)


def sniff_format(head: bytes) -> str:
    """The stored format name from the first bytes, or InvalidArgument."""
    if head[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIC_BRANDS:
        return "heic"
    raise InvalidArgument(
        "this file is not a photo the box can read: send a JPEG, PNG or HEIC", field=DATA_FIELD
    )


def check_size(size_bytes: int, limits: Limits) -> None:
    """Refuse a photo over the byte limit (called while bytes are still arriving)."""
    if size_bytes > limits.max_bytes:
        raise ResourceExhausted(
            f"photo is larger than the box accepts ({limits.max_bytes / 1e6:.3g} MB): "
            "use a lower resolution or a JPEG",
            field=DATA_FIELD,
        )


def decode_photo(data: bytes, limits: Limits) -> DecodedPhoto:
    """Open, check and decode `data` to an upright working-size image.

    Raises InvalidArgument (not a photo, damaged, truncated) or ResourceExhausted
    (over the byte or pixel limit) with a message for the person who sent it.
    """
    check_size(len(data), limits)
    fmt = sniff_format(data[:16])
    pil_format = FORMATS[fmt][0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=[pil_format])
        except Image.DecompressionBombError as exc:
            raise _too_many_pixels(None, limits) from exc
        except Exception as exc:  # decoders of untrusted bytes raise all sorts
            raise InvalidArgument(
                f"the {fmt.upper()} file is damaged and cannot be read ({exc})", field=DATA_FIELD
            ) from exc
        raw_w, raw_h = image.size
        if raw_w <= 0 or raw_h <= 0 or raw_w * raw_h > limits.max_pixels:
            raise _too_many_pixels((raw_w, raw_h), limits)
        exif = read_exif(image, raw_w, raw_h)
        working = _decode_working(image, fmt)
    # libheif already turns HEIC images upright and resets the EXIF tag (pillow-heif
    # keeps the original in info); JPEG and PNG are turned here.
    turn = exif.orientation if fmt != "heic" else 1
    if fmt == "heic":
        found = _int(image.info.get("original_orientation"), 1)
        exif = replace(exif, orientation=found if found in range(1, 9) else 1)
    if turn in _TRANSPOSE:
        working = working.transpose(_TRANSPOSE[turn])
    width, height = (raw_h, raw_w) if turn in _SIDEWAYS else (raw_w, raw_h)
    return DecodedPhoto(format=fmt, width=width, height=height, exif=exif, working=working)


def _too_many_pixels(size: tuple[int, int] | None, limits: Limits) -> ResourceExhausted:
    found = f" ({size[0]}×{size[1]}, {size[0] * size[1] / 1e6:.3g} MP)" if size else ""
    return ResourceExhausted(
        f"photo has more pixels than the box accepts{found}; the limit is "
        f"{limits.max_pixels / 1e6:.3g} MP: use the camera's normal photo size",
        field=DATA_FIELD,
    )


def _decode_working(image: Image.Image, fmt: str) -> Image.Image:
    """Decode to RGB resized so that the longest side is WORKING_SIZE.

    JPEG: libjpeg scales by 1/2, 1/4 or 1/8 while decoding (draft), so a 12 MP photo
    never exists at full size in memory. Smaller photos are enlarged, so that the
    quality figures compare across resolutions.
    """
    w, h = image.size
    scale = WORKING_SIZE / max(w, h)
    try:
        if fmt == "jpeg" and scale < 1:
            image.draft("RGB", (math.ceil(w * scale), math.ceil(h * scale)))
        image.load()
    except Exception as exc:  # OSError from Pillow, ValueError from libheif, …
        raise InvalidArgument(
            f"the {fmt.upper()} file is cut short or damaged — send it again ({exc})",
            field=DATA_FIELD,
        ) from exc
    if image.mode != "RGB":
        image = _to_rgb(image)
    if max(image.size) != WORKING_SIZE:
        w, h = image.size
        k = WORKING_SIZE / max(w, h)
        size = (max(1, round(w * k)), max(1, round(h * k)))
        method = Image.Resampling.BILINEAR if k > 1 else Image.Resampling.BOX
        image = image.resize(size, method, reducing_gap=None if k > 1 else 2.0)
    return image


def _to_rgb(image: Image.Image) -> Image.Image:
    """RGB from any mode; 16-bit greyscale is scaled, transparency goes on white."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(image, dtype=np.float32)
        top = 65535.0 if arr.max() > 255 else 255.0
        image = Image.fromarray((arr * (255.0 / top)).clip(0, 255).astype(np.uint8), "L")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def read_exif(image: Image.Image, raw_w: int, raw_h: int) -> ExifInfo:
    """Make, model, focal lengths (incl. in pixels), orientation and capture time."""
    try:
        exif = image.getexif()
        sub = exif.get_ifd(ExifTags.IFD.Exif)
    except Exception:  # a broken EXIF block must not cost the photo
        log.info("unreadable EXIF ignored", exc_info=True)
        return ExifInfo()
    orientation = _int(exif.get(ExifTags.Base.Orientation), 1)
    if orientation not in range(1, 9):
        orientation = 1
    f_mm = _float(sub.get(ExifTags.Base.FocalLength))
    f35 = _float(sub.get(ExifTags.Base.FocalLengthIn35mmFilm))
    diag = math.hypot(raw_w, raw_h)
    f_px = 0.0
    if f35 > 0:
        f_px = f35 * diag / _FRAME_35MM_DIAGONAL
    elif f_mm > 0:
        xres = _float(sub.get(ExifTags.Base.FocalPlaneXResolution))
        unit_mm = _UNIT_MM.get(_int(sub.get(ExifTags.Base.FocalPlaneResolutionUnit), 2), 0.0)
        if xres > 0 and unit_mm > 0:
            sensor_w = _int(sub.get(ExifTags.Base.ExifImageWidth), 0)
            shrink = raw_w / sensor_w if sensor_w > 0 else 1.0
            f_px = f_mm * xres / unit_mm * shrink
            f35 = round(f_px * _FRAME_35MM_DIAGONAL / diag, 1)
    return ExifInfo(
        make=_text(exif.get(ExifTags.Base.Make)),
        model=_text(exif.get(ExifTags.Base.Model)),
        focal_length_mm=f_mm,
        focal_length_35mm=f35,
        focal_length_px=round(f_px, 2),
        orientation=orientation,
        taken_at=_taken_at(
            sub.get(ExifTags.Base.DateTimeOriginal), sub.get(ExifTags.Base.OffsetTimeOriginal)
        ),
    )


def _taken_at(value: object, offset: object) -> float:
    """EXIF 'YYYY:MM:DD HH:MM:SS' (+ optional '+HH:MM') as Unix seconds; local time if no offset."""
    try:
        when = datetime.strptime(_text(value)[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return 0.0
    text = _text(offset)
    if len(text) == 6 and text[0] in "+-":
        try:
            sign = 1 if text[0] == "+" else -1
            delta = timedelta(hours=int(text[1:3]), minutes=int(text[4:6]))
            return when.replace(tzinfo=timezone(sign * delta)).timestamp()
        except ValueError:
            pass
    return when.timestamp()


def _float(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, ZeroDivisionError):
        return 0.0
    return number if math.isfinite(number) and number > 0 else 0.0


def _int(value: object, default: int) -> int:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return default


def _text(value: object) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return str(value or "").replace("\x00", "").strip()[:128]
