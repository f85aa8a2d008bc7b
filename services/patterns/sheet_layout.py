"""Pieces side by side, upright and unrotated, for the pattern exports (SVG, DXF, tiled PDF).
The roll marker is a different drawing (see nest_pieces)."""

from __future__ import annotations

import numpy as np

from services.patterns.cut_pieces import CutPiece

GAP_M = 0.03


def arrange(pieces: list[CutPiece], row_width_m: float = 1.5) -> tuple[list[np.ndarray], float,
                                                                        float]:
    """Offsets (added to piece coordinates) in rows; and the sheet's width and height."""
    offsets, x, y, row_h, width = [], 0.0, 0.0, 0.0, 0.0
    for pc in pieces:
        lo, hi = pc.cut.min(axis=0), pc.cut.max(axis=0)
        w, h = hi - lo
        if x > 0 and x + w > row_width_m:
            y += row_h + GAP_M
            x, row_h = 0.0, 0.0
        offsets.append(np.array([x, y]) - lo)
        x += w + GAP_M
        row_h = max(row_h, h)
        width = max(width, x - GAP_M)
    return offsets, width, y + row_h
