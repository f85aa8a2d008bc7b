"""Format sniffing, limits, decoding, orientation, EXIF and quality, without a server."""

from __future__ import annotations

import io
import math
import time

import cv2
import numpy as np
import pytest
from PIL import Image, TiffImagePlugin

from services.capture import photo_checks, quality
from services.capture.photo_checks import Limits, decode_photo, sniff_format
from services.capture.thumbnails import make_thumbnail, shrink
from services.errors import InvalidArgument, ResourceExhausted
from tests.services.capture import helpers


@pytest.mark.parametrize(
    ("data", "fmt"),
    [(helpers.jpeg(64, 48), "jpeg"), (helpers.png(64, 48), "png"), (helpers.heic(64, 48), "heic")],
    ids=["jpeg", "png", "heic"],
)
def test_formats_are_sniffed_from_magic_bytes(data: bytes, fmt: str) -> None:
    assert sniff_format(data[:16]) == fmt


@pytest.mark.parametrize(
    "head", [b"GIF89a" + bytes(10), b"\x00" * 16, b"<html>", b"BM" + bytes(14)]
)
def test_other_files_are_not_photos(head: bytes) -> None:
    with pytest.raises(InvalidArgument, match="not a photo"):
        sniff_format(head)


@pytest.mark.parametrize(
    "make", [helpers.jpeg, helpers.png, helpers.heic], ids=["jpeg", "png", "heic"]
)
@pytest.mark.parametrize("keep", [0.3, 0.95])
def test_truncated_photos_are_refused_as_damaged(make, keep: float) -> None:
    data = make(320, 240)
    with pytest.raises(InvalidArgument, match=r"cut short or damaged|damaged and cannot be read"):
        decode_photo(data[: int(len(data) * keep)], Limits())


def test_png_bomb_is_refused_from_its_header_without_decoding() -> None:
    bomb = helpers.png_bomb(20_000, 10_000)
    assert len(bomb) < 2000
    started = time.perf_counter()
    with pytest.raises(ResourceExhausted, match="200 MP"):
        decode_photo(bomb, Limits())
    assert time.perf_counter() - started < 0.5  # decoding 600 MB of pixels would take seconds


def test_bomb_past_pillows_own_guard_is_refused_too() -> None:
    with pytest.raises(ResourceExhausted, match="more pixels"):
        decode_photo(helpers.png_bomb(30_000, 30_000), Limits())


def test_large_jpeg_is_decoded_at_working_size() -> None:
    pixels = cv2.resize(helpers.photo_pixels(400, 300, seed=1), (4000, 3000))  # cheap 12 MP
    decoded = decode_photo(helpers.jpeg(pixels=pixels, quality=80), Limits())
    assert (decoded.width, decoded.height) == (4000, 3000)
    assert decoded.working.size == (photo_checks.WORKING_SIZE, 750)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_is_turned_upright(orientation: int) -> None:
    # A wide photo with a marker in its top-left corner, as the viewer should see it;
    # stored turned the way a camera with `orientation` would store it.
    upright = np.full((300, 400, 3), 128, np.uint8)
    upright[:60, :60] = 255
    stored = _store_as(upright, orientation)
    decoded = decode_photo(helpers.jpeg(pixels=stored, orientation=orientation), Limits())
    assert (decoded.width, decoded.height) == (400, 300)
    assert decoded.exif.orientation == orientation
    grey = np.asarray(decoded.working.convert("L"))
    h, w = grey.shape
    assert grey[: h // 8, : w // 8].mean() > 200 and grey[-h // 8 :, -w // 8 :].mean() < 160


def _store_as(upright: np.ndarray, orientation: int) -> np.ndarray:
    """The inverse of the EXIF transform: what the camera wrote to the file."""
    inverse = {
        1: lambda a: a,
        2: lambda a: a[:, ::-1],
        3: lambda a: a[::-1, ::-1],
        4: lambda a: a[::-1],
        5: lambda a: a.transpose(1, 0, 2),
        6: lambda a: np.rot90(a, 1),  # stored turned 90° anticlockwise; view turns it back
        7: lambda a: np.rot90(a, 2).transpose(1, 0, 2),
        8: lambda a: np.rot90(a, -1),
    }
    return np.ascontiguousarray(inverse[orientation](upright))


def test_focal_length_from_focal_plane_resolution() -> None:
    image = Image.fromarray(helpers.photo_pixels(640, 480))
    exif = Image.Exif()
    sub = exif.get_ifd(0x8769)
    sub[0x920A] = TiffImagePlugin.IFDRational(48, 10)  # 4.8 mm
    sub[0xA20E] = TiffImagePlugin.IFDRational(4000, 1)  # pixels per cm on the sensor
    sub[0xA210] = 3  # centimetres
    sub[0xA002] = 1280  # the sensor image was twice as wide as this one
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    found = decode_photo(out.getvalue(), Limits()).exif
    assert found.focal_length_mm == pytest.approx(4.8)
    assert found.focal_length_px == pytest.approx(4.8 * 400 * 0.5)  # 400 px/mm, halved
    assert found.focal_length_35mm == pytest.approx(960 * math.hypot(36, 24) / 800, abs=0.1)


def test_no_exif_means_zeros() -> None:
    found = decode_photo(helpers.png(64, 48), Limits()).exif
    assert (found.focal_length_px, found.focal_length_35mm, found.orientation) == (0, 0, 1)


def test_png_with_transparency_and_16_bit_grey_decode() -> None:
    rgba = Image.new("RGBA", (50, 40), (255, 0, 0, 0))
    grey16 = Image.fromarray((np.arange(50 * 40).reshape(40, 50) * 30).astype(np.uint16))
    for image in (rgba, grey16):
        out = io.BytesIO()
        image.save(out, "PNG")
        assert decode_photo(out.getvalue(), Limits()).working.mode == "RGB"


def test_thumbnail_fits_320_and_small_photos_are_not_enlarged() -> None:
    big = Image.fromarray(helpers.photo_pixels(1000, 750))
    assert Image.open(io.BytesIO(make_thumbnail(big))).size == (320, 240)
    small = Image.fromarray(helpers.photo_pixels(200, 100))
    assert shrink(small).size == (200, 100)


def judge(pixels: np.ndarray) -> quality.QualityReport:
    decoded = decode_photo(helpers.jpeg(pixels=pixels, quality=95), Limits())
    small = shrink(decoded.working)
    grey = quality.grey(decoded.working)
    return quality.assess(grey, decoded.width, decoded.height, quality.perceptual_hash(small))


def codes(report: quality.QualityReport) -> dict[str, str]:
    return {r.code: r.severity for r in report.reasons}


def test_sharp_photo_is_ok() -> None:
    report = judge(helpers.photo_pixels(1600, 1200, seed=3))
    assert report.verdict == quality.OK, report.reasons
    assert report.megapixels == pytest.approx(1.92)


def test_blurry_photo_is_rejected_with_advice() -> None:
    blurred = cv2.GaussianBlur(helpers.photo_pixels(1600, 1200, seed=3), (0, 0), 6)
    report = judge(blurred)
    assert codes(report)["blurry"] == quality.REJECT and report.verdict == quality.REJECT
    assert "hold the camera still" in report.reasons[0].message


def test_dark_and_washed_out_photos() -> None:
    pixels = helpers.photo_pixels(1600, 1200, seed=4)
    assert "underexposed" in codes(judge((pixels * 0.15).astype(np.uint8)))
    bright = np.clip(pixels.astype(np.int16) + 150, 0, 255).astype(np.uint8)
    assert codes(judge(bright))["overexposed"] == quality.REJECT


def test_small_photo_warns_low_resolution() -> None:
    assert codes(judge(helpers.photo_pixels(640, 480)))["low_resolution"] == quality.WARN


def test_near_duplicate_found_among_earlier_photos() -> None:
    a = quality.perceptual_hash(Image.fromarray(helpers.photo_pixels(320, 240, seed=5)))
    b = quality.perceptual_hash(Image.fromarray(helpers.photo_pixels(320, 240, seed=6)))
    grey = np.full((100, 100), 128, np.uint8)
    report = quality.assess(grey, 100, 100, a, [("other", b), ("twin", a ^ 0b11)])
    assert report.near_duplicate_of == "twin"
    assert quality.assess(grey, 100, 100, a, [("other", b)]).near_duplicate_of == ""


def test_heic_orientation_is_applied_by_libheif_and_reported() -> None:
    image = Image.fromarray(helpers.photo_pixels(640, 480))
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    image.save(out, "HEIF", exif=exif.tobytes())
    decoded = decode_photo(out.getvalue(), Limits())
    assert (decoded.width, decoded.height, decoded.exif.orientation) == (480, 640, 6)
    assert decoded.working.size == (750, 1000)


def test_focal_length_of_the_projects_sample_photos(tmp_path) -> None:
    photos = pytest.importorskip("scripts.sample_data.photos")
    from scripts.sample_data.cameras import intrinsics

    path = photos.sample_jpegs(tmp_path, 1, size=(800, 600))[0]
    found = decode_photo(path.read_bytes(), Limits()).exif
    true_f = intrinsics((800, 600), found.focal_length_mm)[0, 0]
    # The 35 mm equivalent is a whole number in EXIF, so it is good to about 2 %.
    assert found.focal_length_px == pytest.approx(true_f, rel=0.02)
    assert found.taken_at > 0
