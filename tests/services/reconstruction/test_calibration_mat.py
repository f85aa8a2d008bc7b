"""The printable mat and the layout the detector expects come from one place."""

from __future__ import annotations

import json
import re

import cv2
import numpy as np
import pytest

from services.reconstruction import calibration_mat as cm
from services.reconstruction import markers


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_pdf_has_one_page_per_sheet(paper: str) -> None:
    pdf = cm.render_pdf(paper)
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type /Page\b", pdf)) == cm.PAGES
    boxes = re.findall(rb"/MediaBox \[ 0 0 ([0-9.]+) ([0-9.]+) \]", pdf)
    w_mm, h_mm = cm.PAPER_MM[paper]
    assert len(boxes) == cm.PAGES
    for w, h in boxes:  # points → mm
        assert float(w) * 25.4 / 72 == pytest.approx(w_mm, abs=0.05)
        assert float(h) * 25.4 / 72 == pytest.approx(h_mm, abs=0.05)


def test_layout_ids_are_unique_and_sizes_match() -> None:
    layout = cm.printed_layout()
    ids = [i for b in layout.boards for i in b.corners]
    assert len(ids) == len(set(ids)) == cm.PAGES * cm.MARKERS_PER_PAGE
    assert max(ids) < 50  # DICT_4X4_50
    for b in layout.boards:
        for c in b.corners.values():
            sides = np.linalg.norm(np.roll(c, -1, 0) - c, axis=1)
            np.testing.assert_allclose(sides, layout.marker_length_m)
    again = cm.MatLayout.from_json(layout.to_json())
    np.testing.assert_array_equal(again.boards[2].corners[13], layout.boards[2].corners[13])


def test_ground_truth_layout_loads() -> None:
    gt = {"markers": {"dictionary": "DICT_4X4_50", "marker_length_m": 0.1, "markers": [
        {"id": 3, "corners": [[0, 0.1, 0], [0.1, 0.1, 0], [0.1, 0, 0], [0, 0, 0]]}]}}
    layout = cm.MatLayout.from_ground_truth(json.loads(json.dumps(gt)))
    np.testing.assert_allclose(layout.boards[0].centres()[3], [0.05, 0.05, 0])


def test_detector_finds_the_printed_page_where_the_layout_says() -> None:
    """Draw page 2 as the PDF does (same layout, same dictionary), detect it, and check
    each marker centre lands where the layout puts it."""
    layout = cm.printed_layout()
    board = layout.boards[1]
    px_per_m = 2000.0
    size = (700, 560)  # w, h: the page grid plus a white border
    img = np.full((size[1], size[0]), 255, np.uint8)
    dictionary = cm.aruco_dictionary()
    side = round(layout.marker_length_m * px_per_m)

    def to_px(p: np.ndarray) -> np.ndarray:  # board metres (+y up) → image pixels (+v down)
        return np.array([size[0] / 2 + p[0] * px_per_m, size[1] / 2 - p[1] * px_per_m])

    for mid, corners in board.corners.items():
        tl = to_px(corners[0])
        marker = cv2.aruco.generateImageMarker(dictionary, mid, side)
        x, y = round(tl[0]), round(tl[1])
        img[y:y + side, x:x + side] = marker
    img = cv2.GaussianBlur(img, (3, 3), 0.8)
    found = markers.detect(img, layout)
    assert set(found) == set(board.corners)
    for mid, c in found.items():
        expected = to_px(board.centres()[mid]) - 0.5  # pixel-centre convention
        np.testing.assert_allclose(markers.marker_centre(c), expected, atol=0.6)
