"""The baseline: bounding boxes on shelves across the roll. Nesting must beat this."""

from __future__ import annotations

import numpy as np

from services.errors import InvalidArgument
from services.patterns.cut_pieces import CutPiece
from services.patterns.fabric import Fabric
from services.patterns.nest_pieces import Layout, Placement, transform


def shelf_pack(pieces: list[CutPiece], fabric: Fabric) -> Layout:
    """Tallest boxes first; each shelf is as long (along the roll) as its first box.

    Uses the first rotation the grain rule allows (railroading what is wider than the
    roll, as the nester does); ignores pattern repeats.
    """
    items = []
    warnings = []
    for pc in pieces:
        rots = [r for r in fabric.rotations()
                if np.ptp(transform(pc.cut, r)[:, 1]) <= fabric.width_m]
        if not rots and fabric.auto_railroad:
            rots = [r for r in fabric.rotations(not fabric.railroaded)
                    if np.ptp(transform(pc.cut, r)[:, 1]) <= fabric.width_m]
            warnings.append(f"{pc.name} railroaded")
        if not rots:
            raise InvalidArgument(f"{pc.name} does not fit the roll", field="fabric.width_m")
        p = transform(pc.cut, rots[0])
        lo, hi = p.min(axis=0), p.max(axis=0)
        for c in range(max(1, pc.count)):
            items.append((hi - lo, lo, rots[0], pc, c))
    items.sort(key=lambda it: -it[0][0])
    s = fabric.spacing_m
    placements, x_shelf, shelf_len, y = [], 0.0, 0.0, 0.0
    for size, lo, rot, pc, c in items:
        if y > 0 and y + size[1] > fabric.width_m + 1e-9:
            x_shelf += shelf_len + s
            shelf_len, y = 0.0, 0.0
        placements.append(Placement(pc.panel_id, c, x_shelf - lo[0], y - lo[1], rot, pc.mirrored))
        shelf_len = max(shelf_len, size[0])
        y += size[1] + s
    area = sum(pc.cut_area_m2 * max(1, pc.count) for pc in pieces)
    return Layout(fabric.width_m, placements, x_shelf + shelf_len, area, warnings, "shelf")
