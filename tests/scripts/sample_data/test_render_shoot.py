"""A rendered shoot is a faithful dataset: photos, EXIF and cameras agree with the truth."""

from __future__ import annotations

import json
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from scripts.sample_data import ShootInfo
from scripts.sample_data.cameras import walk_around
from scripts.sample_data.render import render
from scripts.sample_data.render_shoot import main, render_shoot, shoot_world
from scripts.sample_data.scenes import build_scene
from services.errors import InvalidArgument


def _load(info: ShootInfo) -> tuple[dict, dict]:
    return (json.loads(info.cameras_json.read_text()),
            json.loads(info.ground_truth_json.read_text()))


def _detector() -> cv2.aruco.ArucoDetector:
    params = cv2.aruco.DetectorParameters()
    params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    return cv2.aruco.ArucoDetector(
        cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50), params)


@pytest.mark.parametrize("shoot", ["ottoman_shoot", "chair_shoot"])
def test_marker_corners_project_onto_detected_markers(shoot: str,
                                                      request: pytest.FixtureRequest) -> None:
    """GT marker corners projected with cameras.json land on what OpenCV detects."""
    info: ShootInfo = request.getfixturevalue(shoot)
    cams, gt = _load(info)
    corners = {m["id"]: np.array(m["corners"]) for m in gt["markers"]["markers"]}
    detector = _detector()
    errors, seen_ids = [], set()
    for image in cams["images"]:
        gray = cv2.imread(str(info.out_dir / image["file"]), cv2.IMREAD_GRAYSCALE)
        found, ids, _ = detector.detectMarkers(gray)
        assert ids is not None, f"no marker found in {image['file']}"
        K, R, t = (np.array(image[k]) for k in ("K", "R", "t"))
        for quad, marker_id in zip(found, ids.ravel(), strict=True):
            assert int(marker_id) in corners, f"wrong id {marker_id} in {image['file']}"
            seen_ids.add(int(marker_id))
            cam = corners[int(marker_id)] @ R.T + t
            uv = cam[:, :2] / cam[:, 2:] * [K[0, 0], K[1, 1]] + K[:2, 2]
            errors += list(np.linalg.norm(quad.reshape(4, 2) - uv, axis=1))
    errors = np.array(errors)
    assert len(errors) >= 4 * 5 * len(cams["images"]), "too few markers detected"
    assert np.median(errors) < 1.0, f"median corner error {np.median(errors):.2f} px"
    assert np.percentile(errors, 90) < 2.0
    if shoot == "ottoman_shoot":  # the low ottoman hides none of the ring for long
        assert seen_ids == set(corners)


def test_cameras_json_is_consistent(ottoman_shoot: ShootInfo) -> None:
    cams, _ = _load(ottoman_shoot)
    assert (cams["width"], cams["height"]) == (640, 480)
    assert cams["fx"] == pytest.approx(4.8 / 6.4 * 640)
    assert (cams["cx"], cams["cy"]) == (319.5, 239.5)
    assert len(cams["images"]) == 8
    for image in cams["images"]:
        R, t, c = (np.array(image[k]) for k in ("R", "t", "center"))
        np.testing.assert_allclose(R @ R.T, np.eye(3), atol=1e-9)
        assert np.linalg.det(R) == pytest.approx(1.0)
        np.testing.assert_allclose(-R.T @ t, c, atol=1e-9)
        # The piece (origin) is in front of every camera and near the image centre.
        x = R @ np.array([0.0, 0.0, 0.2]) + t
        u, v = x[:2] / x[2] * cams["fx"] + [cams["cx"], cams["cy"]]
        assert x[2] > 0 and 0.2 * 640 < u < 0.8 * 640 and 0.2 * 480 < v < 0.8 * 480
        with Image.open(ottoman_shoot.out_dir / image["file"]) as im:
            assert im.size == (640, 480) and im.format == "JPEG"


def test_exif_focal_length_round_trips(ottoman_shoot: ShootInfo) -> None:
    """The EXIF focal figures give back the focal in pixels of cameras.json."""
    cams, _ = _load(ottoman_shoot)
    with Image.open(ottoman_shoot.images[0]) as im:
        exif = im.getexif()
        sub = exif.get_ifd(0x8769)
    assert (exif[0x010F], exif[0x0110], exif[0x0112]) == ("Synthetic", "Pinhole", 1)
    focal_mm, f35 = float(sub[0x920A]), int(sub[0xA405])
    assert focal_mm == pytest.approx(cams["focal_length_mm"]) and f35 == 26
    sensor_w_mm = 640 / float(sub[0xA20E]) * 10  # focal-plane resolution is px per cm
    assert focal_mm / sensor_w_mm * 640 == pytest.approx(cams["fx"], rel=1e-6)
    # pycolmap's prior: the 35 mm equivalent over the image diagonal (within rounding).
    assert f35 / np.hypot(36, 24) * np.hypot(640, 480) == pytest.approx(cams["fx"], rel=0.02)


@pytest.mark.timeout(120)
def test_a_small_render_is_quick_and_deterministic() -> None:
    """Guards against hangs and accidental slowness; no tight timing on a shared machine."""
    scene = build_scene("chair")
    cams = walk_around(scene, 4, (640, 480), seed=5)
    world = shoot_world(scene, cams, seed=5)
    start = time.perf_counter()
    first = render(world, cams[1], seed=9)
    elapsed = time.perf_counter() - start
    assert first.shape == (480, 640, 3) and first.dtype == np.uint8
    assert elapsed < 30, f"640x480 render took {elapsed:.1f} s"
    np.testing.assert_array_equal(render(world, cams[1], seed=9), first)
    # Well exposed and detailed, as the capture quality checks want.
    gray = cv2.cvtColor(first, cv2.COLOR_RGB2GRAY)
    assert 60 < gray.mean() < 200 and (gray >= 250).mean() < 0.01
    assert cv2.Laplacian(gray, cv2.CV_64F).var() > 50


def test_bad_arguments_are_invalid_argument(tmp_path: Path) -> None:
    for kwargs, field in [({"photos": 0}, "photos"), ({"size": (8, 8)}, "size"),
                          ({"scene": "sofa"}, "scene"), ({"quality": 0}, "quality"),
                          ({"supersample": 0}, "supersample")]:
        with pytest.raises(InvalidArgument) as err:
            render_shoot(tmp_path, **kwargs)
        assert err.value.field == field
    assert not any(tmp_path.iterdir())


def test_cli_writes_a_shoot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "shoot"
    assert main([str(out), "--photos", "2", "--size", "160x120", "--seed", "4",
                 "--scene", "chair"]) == 0
    assert "2 photos of the chair (0.800 x 0.800 x 0.800 m)" in capsys.readouterr().out
    assert sorted(p.name for p in (out / "images").iterdir()) == ["IMG_0001.jpg",
                                                                   "IMG_0002.jpg"]
    for name in ("cameras.json", "ground_truth.json", "gt_mesh.ply", "panels/deck.ply",
                 "README.md"):
        assert (out / name).is_file()
    with pytest.raises(SystemExit):
        main([str(out), "--size", "big"])
