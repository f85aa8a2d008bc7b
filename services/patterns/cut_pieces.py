"""Cut pieces: the flat sewing line grown by the seam allowance, with notches where two
panels are sewn together (at the same 3D points on both), a grain line and labels."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from shapely import LineString, Polygon, unary_union
from shapely.geometry.polygon import orient

from services.patterns.flatten_panels import FlatPiece
from services.patterns.panels import PanelSet
from services.patterns.units import DEFAULT_SEAM_ALLOWANCE_M, UnitSystem, format_length

NOTCH_DEPTH_M = 0.25 * 0.0254


@dataclass(frozen=True)
class CutOptions:
    """Seam allowance (m), notch spacing along long seams (m), project name for labels."""

    seam_allowance_m: float = DEFAULT_SEAM_ALLOWANCE_M
    notch_spacing_m: float = 0.25
    project: str = ""
    units: UnitSystem = UnitSystem.IMPERIAL


@dataclass
class CutPiece:
    """A piece at true scale in metres: x across the furniture, y up it (the grain)."""

    panel_id: str
    name: str
    count: int
    sew: np.ndarray  # (n, 2) CCW sewing line
    cut: np.ndarray  # (k, 2) CCW cutting line
    notches: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    grain: tuple[np.ndarray, np.ndarray] = (np.zeros(2), np.zeros(2))
    label_at: np.ndarray = field(default_factory=lambda: np.zeros(2))
    label: list[str] = field(default_factory=list)
    mirror_of: str = ""
    mirrored: bool = False
    #: Per edge of `sew` (i -> i+1), the neighbouring panel id ("" for a free edge).
    edge_neighbour: list[str] = field(default_factory=list)

    @property
    def cut_area_m2(self) -> float:
        return float(Polygon(self.cut).area)

    @property
    def anchor(self) -> np.ndarray:
        """Where the fabric's pattern is centred on the piece (for repeat matching)."""
        return 0.5 * (self.sew.min(axis=0) + self.sew.max(axis=0))


def edge_neighbours(ps: PanelSet, flat: FlatPiece) -> list[str]:
    """For each outline edge of a flat piece, the id of the panel across the seam."""
    e, ef = ps.mesh.edges()
    lookup = {(int(a), int(b)): k for k, (a, b) in enumerate(e)}
    own = ps.index(flat.panel_id)
    g = flat.vertex_map[flat.outline]
    out = []
    for a, b in zip(g, np.roll(g, -1), strict=True):
        k = lookup.get((int(min(a, b)), int(max(a, b))))
        if k is None:
            out.append("")
            continue
        f0, f1 = ef[k]
        other = [ps.face_panel[f] for f in (f0, f1) if f >= 0]
        if len(other) < 2:
            out.append("")
        else:
            o = other[1] if other[0] == own else other[0]
            out.append(ps.panels[o].id if o >= 0 else "")
    return out


def make_cut_piece(ps: PanelSet, flat: FlatPiece, opt: CutOptions | None = None) -> CutPiece:
    """Seam allowance, notches, grain line and label for one flattened panel."""
    opt = opt or CutOptions()
    panel = ps.get(flat.panel_id)
    sew = flat.outline_xy()
    neigh = edge_neighbours(ps, flat)
    allow = [panel.seam_allowance_m.get(n, opt.seam_allowance_m) for n in neigh]
    cut = _offset(sew, allow)
    piece = CutPiece(panel.id, panel.name, panel.count, sew, cut, mirror_of=panel.mirror_of,
                     edge_neighbour=neigh)
    piece.mirrored = bool(panel.mirror_of) and panel.name.endswith("_R")
    piece.notches = _notches(ps, flat, sew, neigh, allow, opt.notch_spacing_m)
    poly = Polygon(sew)
    c = np.asarray(poly.representative_point().coords[0])
    h = float(np.ptp(sew[:, 1]))
    piece.grain = (np.array([c[0], c[1] - 0.3 * h]), np.array([c[0], c[1] + 0.3 * h]))
    piece.label_at = c
    w = float(np.ptp(sew[:, 0]))
    lines = [panel.name]
    if opt.project:
        lines.append(opt.project)
    cut_note = f"cut {panel.count}"
    if panel.mirror_of:
        twin = ps.get(panel.mirror_of).name
        cut_note += f" ({'R' if piece.mirrored else 'L'}, mirror of {twin})"
    lines.append(cut_note)
    lines.append(f"{format_length(w, opt.units)} x {format_length(h, opt.units)}")
    piece.label = lines
    return piece


def _offset(sew: np.ndarray, allow: list[float]) -> np.ndarray:
    """Grow the sewing line outward by each edge's allowance (mitred corners)."""
    poly = orient(Polygon(sew).buffer(0), 1.0)
    a_min = min(allow)
    grown = poly.buffer(a_min, join_style="mitre", mitre_limit=3.0) if a_min > 0 else poly
    extra = []
    n = len(sew)
    for i, a in enumerate(allow):
        if a > a_min + 1e-9:
            seg = LineString([sew[i], sew[(i + 1) % n]])
            # CCW outline: the outside is on the right, a negative single-sided buffer
            extra.append(seg.buffer(-a, single_sided=True, join_style="mitre"))
    if extra:
        grown = unary_union([grown, *extra])
    if grown.geom_type != "Polygon":
        grown = max(grown.geoms, key=lambda g: g.area)
    grown = orient(grown, 1.0)
    return np.asarray(grown.exterior.coords)[:-1]


def _notches(ps: PanelSet, flat: FlatPiece, sew: np.ndarray, neigh: list[str],
             allow: list[float], spacing: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """Notch slits at fixed fractions of each seam's 3D length, so both sides agree."""
    g = flat.vertex_map[flat.outline]
    v3 = ps.mesh.vertices
    n = len(sew)
    runs: list[list[int]] = []
    i0 = next((i for i in range(n) if neigh[i] != neigh[i - 1]), None)
    if i0 is None:
        return []  # one seam all round: no run ends to measure from
    cur: list[int] = []
    for k in range(n):
        i = (i0 + k) % n
        if cur and neigh[i] != neigh[cur[-1]]:
            runs.append(cur)
            cur = []
        cur.append(i)
    runs.append(cur)
    out = []
    for run in runs:
        if not neigh[run[0]]:
            continue
        pts3 = np.array([v3[g[i]] for i in run] + [v3[g[(run[-1] + 1) % n]]])
        pts2 = np.array([sew[i] for i in run] + [sew[(run[-1] + 1) % n]])
        seg = np.linalg.norm(np.diff(pts3, axis=0), axis=1)
        total = seg.sum()
        if total < 0.05:
            continue
        k = 1 if total < 2 * spacing else round(total / spacing) - 1
        cum = np.concatenate([[0], np.cumsum(seg)])
        for j in range(1, k + 1):
            s = total * j / (k + 1)
            e = min(int(np.searchsorted(cum, s, side="right")) - 1, len(seg) - 1)
            t = (s - cum[e]) / max(seg[e], 1e-12)
            p = pts2[e] + t * (pts2[e + 1] - pts2[e])
            d = pts2[e + 1] - pts2[e]
            d = d / max(np.linalg.norm(d), 1e-12)
            outward = np.array([d[1], -d[0]])
            a = allow[run[min(e, len(run) - 1)]]
            out.append((p + outward * a, p + outward * max(a - NOTCH_DEPTH_M, 0.0)))
    return out
