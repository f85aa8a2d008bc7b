"""SVG of the pieces at true scale (mm user units; width/height in mm), one group per layer."""

from __future__ import annotations

from xml.sax.saxutils import escape

import numpy as np

from services.patterns.cut_pieces import CutPiece
from services.patterns.sheet_layout import arrange

LAYER_STYLE = {
    "cut": 'fill="none" stroke="#000" stroke-width="0.5"',
    "seam": 'fill="none" stroke="#555" stroke-width="0.3" stroke-dasharray="4 2"',
    "notches": 'fill="none" stroke="#c00" stroke-width="0.5"',
    "grain": 'fill="none" stroke="#06c" stroke-width="0.4"',
    "labels": 'fill="#000" font-family="Helvetica, Arial, sans-serif"',
}


def svg_bytes(pieces: list[CutPiece]) -> bytes:
    """Every piece, upright, in rows; y flipped so the furniture's up is up on screen."""
    offsets, w, h = arrange(pieces)
    mm = 1000.0

    def pt(p: np.ndarray, off: np.ndarray) -> tuple[float, float]:
        q = p + off
        return round(q[0] * mm, 3), round((h - q[1]) * mm, 3)

    def path(poly: np.ndarray, off: np.ndarray) -> str:
        return " ".join(f"{x},{y}" for x, y in (pt(p, off) for p in poly))

    layers: dict[str, list[str]] = {k: [] for k in LAYER_STYLE}
    for pc, off in zip(pieces, offsets, strict=True):
        pid = escape(pc.panel_id)
        layers["cut"].append(f'<polygon data-piece="{pid}" points="{path(pc.cut, off)}"/>')
        layers["seam"].append(f'<polygon data-piece="{pid}" points="{path(pc.sew, off)}"/>')
        for a, b in pc.notches:
            (x1, y1), (x2, y2) = pt(a, off), pt(b, off)
            layers["notches"].append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"/>')
        g0, g1 = pc.grain
        (x1, y1), (x2, y2) = pt(g0, off), pt(g1, off)
        layers["grain"].append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"/>'
                               f'<polyline points="{x2 - 4},{y2 + 8} {x2},{y2} '
                               f'{x2 + 4},{y2 + 8}"/>')
        lx, ly = pt(pc.label_at, off)
        size = max(6.0, min(18.0, 0.06 * np.ptp(pc.sew[:, 0]) * mm))
        for i, line in enumerate(pc.label):
            layers["labels"].append(f'<text x="{lx + 6}" y="{ly + i * size * 1.25}" '
                                    f'font-size="{size:.1f}">{escape(line)}</text>')
    body = "\n".join(f'<g id="{k}" {LAYER_STYLE[k]}>\n' + "\n".join(v) + "\n</g>"
                     for k, v in layers.items())
    doc = (f'<?xml version="1.0" encoding="UTF-8"?>\n'
           f'<svg xmlns="http://www.w3.org/2000/svg" width="{w * mm:.2f}mm" '
           f'height="{h * mm:.2f}mm" '
           f'viewBox="0 0 {w * mm:.2f} {h * mm:.2f}">\n{body}\n</svg>\n')
    return doc.encode("utf-8")
