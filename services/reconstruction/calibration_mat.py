"""The printable calibration mat and the marker layout the detector expects.

One source of truth: the PDF is drawn from `printed_layout()`, and `scale_orient`
detects markers against the same layout, so the two cannot drift apart.

The mat is a set of pages ("boards"); each page is rigid and carries its own marker ids,
so the shop can lay 1–4 pages around the piece anywhere on the floor. Scale comes from
distances within a page; the floor plane from all pages together. The page content is
the same on A4 and Letter (it fits both), only the paper around it differs, so the
layout does not depend on the paper size.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from services.errors import InvalidArgument

DICTIONARY = "DICT_4X4_50"
#: Black border to black border, metres.
MARKER_LENGTH_M = 0.050
#: Marker grid on each page: columns × rows, and the gap between markers.
GRID_COLS, GRID_ROWS = 2, 3
GAP_M = 0.025
PAGES = 4
MARKERS_PER_PAGE = GRID_COLS * GRID_ROWS
RULER_M = 0.100

PAPER_MM = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}


@dataclass(frozen=True)
class Board:
    """One rigid sheet: marker id → its 4 corners (OpenCV order TL, TR, BR, BL of the
    marker image) in the sheet's frame, metres, z = 0 on the sheet."""

    name: str
    corners: dict[int, np.ndarray]

    def centres(self) -> dict[int, np.ndarray]:
        return {i: c.mean(axis=0) for i, c in self.corners.items()}


@dataclass(frozen=True)
class MatLayout:
    """Every marker the detector should look for, grouped by rigid sheet."""

    dictionary: str
    marker_length_m: float
    boards: tuple[Board, ...]

    def board_of(self) -> dict[int, int]:
        """marker id → index of its board."""
        return {i: b for b, board in enumerate(self.boards) for i in board.corners}

    def to_json(self) -> str:
        return json.dumps({
            "dictionary": self.dictionary,
            "marker_length_m": self.marker_length_m,
            "boards": [{"name": b.name, "markers": {str(i): c.tolist()
                                                    for i, c in b.corners.items()}}
                       for b in self.boards],
        })

    @classmethod
    def from_json(cls, text: str) -> MatLayout:
        d = json.loads(text)
        boards = tuple(Board(b["name"], {int(i): np.asarray(c, float)
                                          for i, c in b["markers"].items()})
                       for b in d["boards"])
        return cls(d["dictionary"], float(d["marker_length_m"]), boards)

    @classmethod
    def from_ground_truth(cls, gt: dict[str, Any]) -> MatLayout:
        """A rendered shoot's one-piece mat (`ground_truth.json` → `markers`)."""
        m = gt["markers"]
        corners = {int(k["id"]): np.asarray(k["corners"], float) for k in m["markers"]}
        return cls(m["dictionary"], float(m["marker_length_m"]), (Board("mat", corners),))


def aruco_dictionary(name: str = DICTIONARY) -> cv2.aruco.Dictionary:
    try:
        return cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, name))
    except AttributeError as exc:
        raise InvalidArgument(f"unknown marker dictionary {name}", field="dictionary") from exc


def _page_marker_centres() -> list[tuple[float, float]]:
    """Marker centres on a page (metres, origin at the grid centre, +y to the page top),
    row by row from the top."""
    pitch = MARKER_LENGTH_M + GAP_M
    out = []
    for r in range(GRID_ROWS):
        for c in range(GRID_COLS):
            out.append(((c - (GRID_COLS - 1) / 2) * pitch, ((GRID_ROWS - 1) / 2 - r) * pitch))
    return out


def printed_layout(pages: int = PAGES) -> MatLayout:
    """The layout of the StitchSketch mat: page p carries ids p·6 … p·6+5."""
    h = MARKER_LENGTH_M / 2
    boards = []
    for p in range(pages):
        corners = {}
        for k, (x, y) in enumerate(_page_marker_centres()):
            corners[p * MARKERS_PER_PAGE + k] = np.array(
                [[x - h, y + h, 0], [x + h, y + h, 0], [x + h, y - h, 0], [x - h, y - h, 0]])
        boards.append(Board(f"page {p + 1}", corners))
    return MatLayout(DICTIONARY, MARKER_LENGTH_M, tuple(boards))


def render_pdf(paper: str = "a4", pages: int = PAGES) -> bytes:
    """The mat as a PDF, one page per board, vector-drawn so it prints crisp."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    paper = paper.lower()
    if paper not in PAPER_MM:
        raise InvalidArgument(f"paper must be one of {sorted(PAPER_MM)}", field="paper")
    pw, ph = PAPER_MM[paper]
    layout = printed_layout(pages)
    dictionary = aruco_dictionary(layout.dictionary)
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=(pw * mm, ph * mm))
    pdf.setTitle("StitchSketch calibration mat")
    # grid centre, mm from the bottom-left of the paper: between the ruler and the title
    cx, cy = pw / 2, (42 + ph - 24) / 2
    side = layout.marker_length_m * 1000
    for p, board in enumerate(layout.boards):
        pdf.setFont("Helvetica-Bold", 13)
        pdf.drawCentredString(cx * mm, (ph - 14) * mm,
                              f"StitchSketch calibration mat - page {p + 1} of {pages}")
        pdf.setFont("Helvetica", 8.5)
        pdf.drawCentredString(cx * mm, (ph - 20) * mm,
                              "Print at 100 % (actual size, no 'fit to page'). Lay the pages "
                              "flat on the floor around the piece, visible in most photos.")
        for mid, corners in board.corners.items():
            x0 = cx + corners[:, 0].min() * 1000  # left edge, mm
            y0 = cy + corners[:, 1].min() * 1000  # bottom edge, mm
            _draw_marker(pdf, dictionary, mid, x0, y0, side, mm)
            pdf.setFont("Helvetica", 7)
            pdf.drawString((x0 + side + 1.5) * mm, (y0 + 1) * mm, f"id {mid}")
        _draw_ruler(pdf, cx - RULER_M * 500, 30.0, mm)
        pdf.setFont("Helvetica", 9)
        pdf.drawCentredString(cx * mm, 18 * mm,
                              f"Marker size: {side:.1f} mm black edge to black edge "
                              f"(ArUco {layout.dictionary}).")
        pdf.drawCentredString(cx * mm, 13 * mm,
                              "Check: the ruler above must measure exactly 100 mm; "
                              "if not, the scale of every model will be off by as much.")
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _draw_marker(pdf: Any, dictionary: cv2.aruco.Dictionary, marker_id: int, x0: float,
                 y0: float, side: float, mm: float) -> None:
    bits = cv2.aruco.generateImageMarker(dictionary, marker_id, dictionary.markerSize + 2, 1)
    n = bits.shape[0]
    cell = side / n
    pdf.setFillGray(0)
    for r in range(n):
        for c in range(n):
            if bits[r, c] == 0:  # black module; row 0 is the top of the marker
                pdf.rect((x0 + c * cell) * mm, (y0 + (n - 1 - r) * cell) * mm,
                         cell * mm + 0.01, cell * mm + 0.01, stroke=0, fill=1)


def _draw_ruler(pdf: Any, x0: float, y0: float, mm: float) -> None:
    length = RULER_M * 1000
    pdf.setLineWidth(0.3)
    pdf.line(x0 * mm, y0 * mm, (x0 + length) * mm, y0 * mm)
    pdf.setFont("Helvetica", 6)
    for k in range(int(length) + 1):
        tick = 4 if k % 10 == 0 else (2.5 if k % 5 == 0 else 1.5)
        pdf.line((x0 + k) * mm, y0 * mm, (x0 + k) * mm, (y0 + tick) * mm)
        if k % 10 == 0:
            pdf.drawCentredString((x0 + k) * mm, (y0 + 5) * mm, f"{k // 10}")
    pdf.drawString((x0 + length + 2) * mm, y0 * mm, "cm")
