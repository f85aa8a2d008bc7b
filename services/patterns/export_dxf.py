"""DXF for cutting tables: millimetres ($INSUNITS = 4), closed LWPOLYLINEs for cutting and
sewing lines, notches, grain lines and labels each on their own layer."""

from __future__ import annotations

import io

import ezdxf
import numpy as np

from services.patterns.cut_pieces import CutPiece
from services.patterns.sheet_layout import arrange

LAYERS = {"CUT": 7, "SEAM": 8, "NOTCH": 1, "GRAIN": 5, "LABEL": 3}


def dxf_bytes(pieces: list[CutPiece]) -> bytes:
    """All pieces, upright, laid out in rows; coordinates in mm from the sheet's corner."""
    doc = ezdxf.new("R2010", setup=True)
    doc.header["$INSUNITS"] = 4
    doc.header["$MEASUREMENT"] = 1
    for name, color in LAYERS.items():
        doc.layers.add(name, color=color)
    msp = doc.modelspace()
    offsets, _, _ = arrange(pieces)
    mm = 1000.0
    for pc, off in zip(pieces, offsets, strict=True):
        def xy(p: np.ndarray, off: np.ndarray = off) -> tuple[float, float]:
            q = (p + off) * mm
            return float(q[0]), float(q[1])

        msp.add_lwpolyline([xy(p) for p in pc.cut], close=True, dxfattribs={"layer": "CUT"})
        msp.add_lwpolyline([xy(p) for p in pc.sew], close=True, dxfattribs={"layer": "SEAM"})
        for a, b in pc.notches:
            msp.add_line(xy(a), xy(b), dxfattribs={"layer": "NOTCH"})
        g0, g1 = (xy(p) for p in pc.grain)
        msp.add_lwpolyline([g0, g1], dxfattribs={"layer": "GRAIN"})
        msp.add_lwpolyline([(g1[0] - 5, g1[1] - 10), g1, (g1[0] + 5, g1[1] - 10)],
                           dxfattribs={"layer": "GRAIN"})
        lx, ly = xy(pc.label_at)
        h = max(5.0, min(20.0, 0.05 * float(np.ptp(pc.sew[:, 0])) * mm))
        for i, line in enumerate(pc.label):
            msp.add_text(line, height=h, dxfattribs={"layer": "LABEL"}).set_placement(
                (lx + 6, ly - i * h * 1.4))
    buf = io.StringIO()
    doc.write(buf)
    return buf.getvalue().encode("utf-8")
