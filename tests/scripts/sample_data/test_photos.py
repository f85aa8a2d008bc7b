"""Photo sets for ingest and the demo: distinct, photo-like, with EXIF; demo reuse."""

from __future__ import annotations

import hashlib
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from scripts.sample_data import demo_photos, sample_jpegs
from services.errors import InvalidArgument


def _check_photo(path: Path, size: tuple[int, int]) -> None:
    with Image.open(path) as im:
        assert im.size == size and im.format == "JPEG"
        sub = im.getexif().get_ifd(0x8769)
        assert float(sub[0x920A]) == pytest.approx(4.8) and int(sub[0xA405]) == 26
        gray = np.asarray(im.convert("L"))
    assert 60 < gray.mean() < 200, "badly exposed"
    assert (gray >= 250).mean() < 0.01 and (gray <= 5).mean() < 0.05, "clipped"
    assert cv2.Laplacian(gray, cv2.CV_64F).var() > 50, "blurry"


def test_sample_jpegs_are_distinct_photos(tmp_path: Path) -> None:
    paths = sample_jpegs(tmp_path, 6, size=(640, 480), seed=3)
    assert [p.name for p in paths] == [f"IMG_{i:04d}.jpg" for i in range(1, 7)]
    assert len({hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}) == 6
    for p in paths:
        _check_photo(p, (640, 480))
    # Same arguments, same bytes: benchmarks are repeatable.
    again = sample_jpegs(tmp_path / "again", 2, size=(640, 480), seed=3)
    assert again[1].read_bytes() == paths[1].read_bytes()
    with pytest.raises(InvalidArgument):
        sample_jpegs(tmp_path, -1)


@pytest.mark.slow
def test_sample_jpegs_default_is_12_megapixels(tmp_path: Path) -> None:
    paths = sample_jpegs(tmp_path, 2)
    for p in paths:
        _check_photo(p, (4000, 3000))
        assert p.stat().st_size > 1_000_000


def test_demo_photos_render_once(tmp_path: Path) -> None:
    paths = demo_photos(tmp_path, n=3)
    assert len(paths) == 3
    for p in paths:
        _check_photo(p, (1024, 768))
    stamps = [p.stat().st_mtime_ns for p in paths]
    assert demo_photos(tmp_path, n=3) == paths
    assert [p.stat().st_mtime_ns for p in paths] == stamps  # reused, not rendered again
