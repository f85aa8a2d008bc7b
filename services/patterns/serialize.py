"""JSON for panels, pieces, layout and quote (the CLI's panels.json; the UI reads the same)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from services.patterns.fabric import Fabric
from services.patterns.nest_pieces import Layout
from services.patterns.pipeline import PatternResult
from services.patterns.quote import Quote


def _r(a: Any) -> Any:
    return [[round(float(x), 6) for x in row] for row in a]


def result_to_dict(result: PatternResult, fabric: Fabric | None = None,
                   layout: Layout | None = None, quote: Quote | None = None) -> dict[str, Any]:
    """Everything in metres; field names follow patterns.proto where one exists."""
    panels = []
    for p in result.panels.panels:
        d = asdict(p)
        d["faces"] = int((result.panels.face_panel == result.panels.index(p.id)).sum())
        panels.append(d)
    pieces = [{
        "panel_id": pc.panel_id, "name": pc.name, "count": pc.count, "mirror_of": pc.mirror_of,
        "mirrored": pc.mirrored, "sew": _r(pc.sew), "cut": _r(pc.cut),
        "cut_area_m2": round(pc.cut_area_m2, 6),
        "notches": [_r([a, b]) for a, b in pc.notches], "grain": _r(pc.grain),
        "label": pc.label, "edge_neighbour": pc.edge_neighbour,
    } for pc in result.pieces]
    out: dict[str, Any] = {"units": "metres", "panels": panels, "pieces": pieces}
    if fabric is not None:
        out["fabric"] = asdict(fabric)
    if layout is not None:
        out["layout"] = {"width_m": layout.width_m, "length_m": round(layout.length_m, 6),
                         "utilization": round(layout.utilization, 4), "method": layout.method,
                         "warnings": layout.warnings,
                         "placements": [asdict(p) for p in layout.placements]}
    if quote is not None:
        out["quote"] = asdict(quote)
    return out
