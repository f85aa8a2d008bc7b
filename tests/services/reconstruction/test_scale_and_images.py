"""Metric scale from the mat, the unscaled fallback, and the EXIF focal prior."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from services.errors import InvalidArgument
from services.reconstruction import prepare_images
from services.reconstruction.calibration_mat import printed_layout
from services.reconstruction.geometry import Similarity
from services.reconstruction.markers import MarkerPoint
from services.reconstruction.scale_orient import fit_to_mat


def _random_rotation(seed: int) -> np.ndarray:
    q, _ = np.linalg.qr(np.random.default_rng(seed).normal(size=(3, 3)))
    return q * np.sign(np.linalg.det(q))


def test_two_sheets_anywhere_give_scale_and_a_level_floor() -> None:
    """Pages lie at arbitrary places on the floor; the model is in arbitrary SfM units."""
    layout = printed_layout(pages=2)
    placements = [Similarity(1.0, np.eye(3), np.zeros(3)),
                  Similarity(1.0, np.array([[0, -1, 0], [1, 0, 0], [0, 0, 1.0]]),
                             np.array([0.9, 0.4, 0.0]))]
    world = {}
    for board, place in zip(layout.boards, placements, strict=True):
        for mid, c in board.centres().items():
            world[mid] = place.apply(c)
    sfm_from_world = Similarity(3.7, _random_rotation(5), np.array([2.0, -1.0, 4.0]))
    rng = np.random.default_rng(0)
    points = [MarkerPoint(mid, sfm_from_world.apply(x) + rng.normal(0, 2e-4, 3), 5, 0.3)
              for mid, x in world.items()]
    fit = fit_to_mat(points, layout)
    assert fit is not None
    sim = fit["sim"]
    assert sim.scale * 3.7 == pytest.approx(1.0, rel=2e-3)
    mapped = sim.apply(np.array([p.xyz for p in points]))
    np.testing.assert_allclose(mapped[:, 2], 0.0, atol=1e-3)  # both pages on z = 0
    assert fit["scale_residual"] < 0.01
    assert {b["board"] for b in fit["boards"]} == {"page 1", "page 2"}


def test_too_few_markers_means_unscaled() -> None:
    layout = printed_layout()
    pts = [MarkerPoint(i, np.array([i, 0.0, 0.0]), 2, 0.1) for i in (0, 1)]
    assert fit_to_mat(pts, layout) is None


def test_focal_prior_from_exif_matches_the_camera(tmp_path: Path) -> None:
    exif = pytest.importorskip("scripts.sample_data.exif")
    rgb = (np.random.default_rng(0).random((300, 400, 3)) * 255).astype(np.uint8)
    src = tmp_path / "photo.jpg"
    src.write_bytes(exif.jpeg_bytes(rgb, 4.8, datetime(2026, 1, 1)))
    with Image.open(src) as im:
        # 4.8 mm on a 6.4 mm wide sensor, 400 px wide: 300 px
        assert prepare_images.focal_prior_px(im) == pytest.approx(300.0, rel=1e-3)
    out = prepare_images.prepare_one(src, tmp_path / "out" / "photo.jpg", 200)
    assert (out.width, out.height) == (200, 150)
    assert out.focal_px == pytest.approx(150.0, rel=1e-3)  # scaled with the image


def test_photo_without_exif_has_no_prior_and_bad_files_are_named(tmp_path: Path) -> None:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), "grey").save(buf, "PNG")
    (tmp_path / "a.png").write_bytes(buf.getvalue())
    (tmp_path / "b.jpg").write_bytes(b"not a jpeg")
    assert prepare_images.prepare_one(tmp_path / "a.png", tmp_path / "o" / "a.jpg",
                                      100).focal_px is None
    with pytest.raises(InvalidArgument, match=r"b\.jpg"):
        prepare_images.prepare_one(tmp_path / "b.jpg", tmp_path / "o" / "b.jpg", 100)
