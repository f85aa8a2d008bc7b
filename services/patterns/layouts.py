"""Layouts on demand: nest a revision's pieces on a fabric, price them, and keep the
result with the revision so the marker and the quote exports show the same layout the
person saw. A layout is keyed by the fabric's geometry (width, repeats, nap, railroading,
spacing); the price and the labour only change the quote, which is cheap to redo.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict, dataclass

from appliance.paths import atomic_write_text
from services.errors import InvalidArgument
from services.patterns.fabric import Fabric
from services.patterns.job_state import PatternState
from services.patterns.nest_pieces import Layout, Placement, nest
from services.patterns.quote import Quote, make_quote
from services.patterns.shelf_pack import shelf_pack
from services.patterns.units import round_up_yards

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LayoutResult:
    """A marker, its quote and the shelf-packing baseline of the same pieces."""

    revision: int
    layout: Layout
    quote: Quote
    baseline: Layout | None
    nest_seconds: float

    @property
    def baseline_yards(self) -> float:
        return round_up_yards(self.baseline.length_m) if self.baseline else 0.0


def fabric_key(fabric: Fabric) -> str:
    """The fabric's geometry as a short stable key (price left out)."""
    geometry = asdict(fabric)
    geometry.pop("price_per_yard")
    text = json.dumps({k: round(v, 9) if isinstance(v, float) else v
                       for k, v in sorted(geometry.items())})
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def cached_layout(state: PatternState, fabric: Fabric) -> tuple[Layout, Layout | None,
                                                                   float] | None:
    """The layout stored for this revision and fabric, if any."""
    if state.path is None:
        return None
    path = state.path / "layouts" / f"{fabric_key(fabric)}.json"
    try:
        doc = json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return None
    base = _layout_from(doc["baseline"]) if doc.get("baseline") else None
    return _layout_from(doc["layout"]), base, float(doc["nest_seconds"])


def layout_for(state: PatternState, fabric: Fabric, labour: float, nest_seconds: float,
               *, reuse_only: bool = False) -> LayoutResult:
    """Nest (or reuse a layout made with at least `nest_seconds` of search) and price it.

    CPU-heavy for a few seconds: call it off the event loop.
    """
    if labour < 0:
        raise InvalidArgument("labour must not be negative", field="labour")
    if not state.pieces:
        raise InvalidArgument("every panel is excluded: there is nothing to cut",
                              field="job_id")
    cached = cached_layout(state, fabric)
    if cached is not None and (reuse_only or cached[2] >= nest_seconds - 1e-9):
        layout, baseline, seconds = cached
    else:
        layout = nest(state.pieces, fabric, nest_seconds)
        try:
            baseline = shelf_pack(state.pieces, fabric)
        except InvalidArgument:
            baseline = None
        seconds = nest_seconds
        if state.path is not None:
            doc = {"fabric": asdict(fabric), "nest_seconds": seconds,
                   "layout": _layout_doc(layout),
                   "baseline": _layout_doc(baseline) if baseline else None}
            atomic_write_text(state.path / "layouts" / f"{fabric_key(fabric)}.json",
                              json.dumps(doc))
        log.info("layout r%d on %.2f m: %.3f m, %.1f %% (baseline %s)", state.revision,
                 fabric.width_m, layout.length_m, 100 * layout.utilization,
                 f"{100 * baseline.utilization:.1f} %" if baseline else "n/a")
    return LayoutResult(state.revision, layout, make_quote(layout, fabric, labour), baseline,
                        seconds)


def _layout_doc(layout: Layout) -> dict:
    return {"width_m": layout.width_m, "length_m": layout.length_m,
            "pieces_area_m2": layout.pieces_area_m2, "warnings": layout.warnings,
            "method": layout.method, "placements": [asdict(p) for p in layout.placements]}


def _layout_from(doc: dict) -> Layout:
    return Layout(doc["width_m"], [Placement(**p) for p in doc["placements"]],
                  doc["length_m"], doc["pieces_area_m2"], list(doc["warnings"]), doc["method"])
