"""Nesting: pieces on the roll by bottom-left fill over no-fit polygons.

For each piece (largest first) and each rotation the fabric allows, the no-fit polygons
against every placed piece (Minkowski sums, pyclipper) are cut from the inner-fit
rectangle of the roll; the lowest feasible position along the roll wins. With a pattern
repeat, positions are restricted to the lattice that keeps every piece's motif centre on
the same phase of the repeat. Several piece orders are tried within a time budget.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, field

import numpy as np
import pyclipper
import shapely
from shapely import LineString, Polygon
from shapely.ops import unary_union

from services.errors import InvalidArgument
from services.patterns.cut_pieces import CutPiece
from services.patterns.fabric import Fabric

log = logging.getLogger(__name__)
SCALE = 1e5  # pyclipper works in integers: 0.01 mm
#: How to choose among rotations: lowest start (bottom-left) or lowest end along the roll.
#: Neither wins everywhere, so the search alternates them.
SCORES = {
    "bl": lambda end, pos: (pos[0], pos[1]),
    "end": lambda end, pos: (end, pos[1]),
}


@dataclass
class Placement:
    """Mirrors `stitchsketch.v1.Placement`: roll point = R(rotation_deg) @ piece point + (x, y)."""

    panel_id: str
    copy: int
    x_m: float
    y_m: float
    rotation_deg: float
    mirrored: bool = False


@dataclass
class Layout:
    """A marker: where each piece goes on a roll of `width_m`, and how much roll it takes."""

    width_m: float
    placements: list[Placement]
    length_m: float
    pieces_area_m2: float
    warnings: list[str] = field(default_factory=list)
    method: str = "nfp"

    @property
    def utilization(self) -> float:
        return self.pieces_area_m2 / max(self.width_m * self.length_m, 1e-12)


def transform(points: np.ndarray, rotation_deg: float, x: float = 0.0, y: float = 0.0
              ) -> np.ndarray:
    a = np.radians(rotation_deg)
    c, s = np.cos(a), np.sin(a)
    return points @ np.array([[c, -s], [s, c]]).T + np.array([x, y])


@dataclass
class _Shape:
    key: int
    rot: int
    poly: np.ndarray  # rotated cut polygon moved so its bbox min is (0, 0), metres
    offset: np.ndarray  # add to a reference position to get the Placement translation
    ipath: list  # integer polygon
    neg_dilated: list  # integer, reflected and grown by the spacing
    length: float
    width: float
    anchor: np.ndarray  # motif centre in the same frame as poly


def _simplify(poly: np.ndarray, tol: float = 0.0007) -> np.ndarray:
    """Fewer vertices, never smaller: grow by `tol`, then simplify within `tol`."""
    if len(poly) <= 32:
        return poly  # already simple: keep it exact
    p = Polygon(poly).buffer(tol, join_style="mitre").simplify(tol, preserve_topology=True)
    if p.is_empty or p.geom_type != "Polygon":
        return poly
    return np.asarray(p.exterior.coords)[:-1]


def _shapes(pieces: list[CutPiece], fabric: Fabric) -> tuple[list[list[_Shape]], list[str]]:
    out, warnings = [], []
    co = pyclipper.PyclipperOffset()
    for k, pc in enumerate(pieces):
        simple = _simplify(pc.cut)
        rots = fabric.rotations()
        shapes = [s for s in (_shape(k, r, simple, pc, co, fabric) for r in rots)
                  if s.width <= fabric.width_m + 1e-9]
        if not shapes and fabric.auto_railroad and not fabric.patterned:
            alt = fabric.rotations(not fabric.railroaded)
            shapes = [s for s in (_shape(k, r, simple, pc, co, fabric) for r in alt)
                      if s.width <= fabric.width_m + 1e-9]
            if shapes:
                warnings.append(f"{pc.name} is wider than the roll: railroaded (turned 90°)")
        if not shapes:
            raise InvalidArgument(
                f"{pc.name} ({np.ptp(pc.cut[:, 0]):.2f} x {np.ptp(pc.cut[:, 1]):.2f} m) does not "
                f"fit a {fabric.width_m:.2f} m roll: railroad the fabric or add a seam",
                field="fabric.width_m")
        out.append(shapes)
    return out, warnings


def _shape(k: int, rot: int, simple: np.ndarray, pc: CutPiece, co: pyclipper.PyclipperOffset,
           fabric: Fabric) -> _Shape:
    p = transform(simple, rot)
    lo = p.min(axis=0)
    p = p - lo
    ipath = pyclipper.scale_to_clipper(p.tolist(), SCALE)
    if pyclipper.Orientation(ipath) is False:
        ipath = ipath[::-1]
    co.Clear()
    co.AddPath(ipath, pyclipper.JT_MITER, pyclipper.ET_CLOSEDPOLYGON)
    dil = co.Execute(fabric.spacing_m * SCALE) if fabric.spacing_m > 0 else [ipath]
    dil = max(dil, key=lambda q: abs(pyclipper.Area(q)))
    neg = [[-x, -y] for x, y in dil]
    anchor = transform(pc.anchor[None, :], rot)[0] - lo
    return _Shape(k, rot, p, -lo, ipath, neg, float(p[:, 0].max()), float(p[:, 1].max()), anchor)


class _Nester:
    def __init__(self, shapes: list[list[_Shape]], fabric: Fabric):
        self.shapes = shapes
        self.fabric = fabric
        self.w = int(np.rint(fabric.width_m * SCALE))
        self.cache: dict[tuple[int, int, int, int], list] = {}

    def _nfp(self, placed: _Shape, other: _Shape) -> list:
        key = (placed.key, placed.rot, other.key, other.rot)
        if key not in self.cache:
            sweep = pyclipper.MinkowskiSum(other.neg_dilated, placed.ipath, True)
            pc = pyclipper.Pyclipper()
            pc.AddPaths(sweep, pyclipper.PT_SUBJECT, True)
            # The sum of two outlines leaves the middle open: fill it with a copy of each
            # polygon moved by one vertex of the other.
            x0, y0 = other.neg_dilated[0]
            pc.AddPath([[x + x0, y + y0] for x, y in placed.ipath], pyclipper.PT_SUBJECT, True)
            x1, y1 = placed.ipath[0]
            pc.AddPath([[x + x1, y + y1] for x, y in other.neg_dilated], pyclipper.PT_SUBJECT,
                       True)
            union = pc.Execute(pyclipper.CT_UNION, pyclipper.PFT_NONZERO, pyclipper.PFT_NONZERO)
            # Keep outer rings only: holes left by the sweep are slivers, mostly not real
            # pockets, and dropping them errs on the safe side.
            self.cache[key] = [q for q in union if pyclipper.Orientation(q)]
        return self.cache[key]

    def run(self, order: list[int], mode: str = "bl"
            ) -> tuple[float, list[tuple[_Shape, int, int]]]:
        placed: list[tuple[_Shape, int, int]] = []  # shape, X, Y (integer reference position)
        phase: tuple[float, float] | None = None
        length = 0
        limit = int(sum(max(s.length for s in self.shapes[k]) for k in order) * SCALE * 1.5) + 10
        for k in order:
            best = None
            for sh in self.shapes[k]:
                pos = self._place(sh, placed, phase, limit)
                if pos is None:
                    continue
                end = pos[0] + sh.length * SCALE
                score = SCORES[mode](end, pos)
                if best is None or score < best[0]:
                    best = (score, sh, pos)
            if best is None:
                return float("inf"), placed
            _, sh, (x, y) = best
            placed.append((sh, x, y))
            if phase is None:
                phase = (x / SCALE + sh.anchor[0], y / SCALE + sh.anchor[1])
            length = max(length, x + int(np.rint(sh.length * SCALE)))
        return length / SCALE, placed

    def _place(self, sh: _Shape, placed: list, phase: tuple[float, float] | None, limit: int
               ) -> tuple[int, int] | None:
        """Lowest feasible reference position (integer units) for `sh`, or None.

        Candidates are the corners of the forbidden region (the union of no-fit polygons),
        where its outline crosses the roll's edges, and the roll's corners; a candidate is
        feasible unless strictly inside the forbidden region, so pieces may touch.
        """
        wy = (self.w - int(np.rint(sh.width * SCALE))) / SCALE
        if wy < -1e-9:
            return None
        wy = max(wy, 0.0)
        lim = limit / SCALE
        rings = []
        if placed:
            pc = pyclipper.Pyclipper()
            for other, x, y in placed:
                for q in self._nfp(other, sh):
                    pc.AddPath([[px + x, py + y] for px, py in q], pyclipper.PT_SUBJECT, True)
            rings = pc.Execute(pyclipper.CT_UNION, pyclipper.PFT_NONZERO, pyclipper.PFT_NONZERO)
        outer = [Polygon(np.asarray(r, float) / SCALE) for r in rings if pyclipper.Orientation(r)]
        holes = [Polygon(np.asarray(r, float) / SCALE) for r in rings
                 if not pyclipper.Orientation(r)]
        rv, rh = self.fabric.repeat_v_m, self.fabric.repeat_h_m
        if phase is not None and (rv > 0 or rh > 0):
            forbidden = unary_union(outer).difference(unary_union(holes)) if outer else Polygon()
            return self._place_on_lattice(sh, forbidden, phase, lim, wy)
        pts = [np.array([[0.0, 0.0], [0.0, wy]])]
        for r in rings:
            a = np.asarray(r, float) / SCALE
            b = np.roll(a, -1, axis=0)
            pts.append(a)
            d = b - a
            for axis, level in ((1, 0.0), (1, wy), (0, 0.0)):
                with np.errstate(divide="ignore", invalid="ignore"):
                    t = (level - a[:, axis]) / d[:, axis]
                hit = (t >= 0) & (t <= 1) & np.isfinite(t)
                pts.append(a[hit] + t[hit, None] * d[hit])
        cand = np.concatenate(pts)
        eps = 1e-9
        ok = (cand[:, 0] >= -eps) & (cand[:, 0] <= lim + eps) & (cand[:, 1] >= -eps) & \
            (cand[:, 1] <= wy + eps)
        cand = np.clip(cand[ok], [0, 0], [lim, wy])
        if len(cand) and outer:
            inside = np.zeros(len(cand), bool)
            for poly in outer:
                inside |= shapely.contains_xy(poly, cand[:, 0], cand[:, 1])
            for poly in holes:
                inside &= ~shapely.intersects_xy(poly, cand[:, 0], cand[:, 1])
            cand = cand[~inside]
        if not len(cand):
            return None
        i = np.lexsort((cand[:, 1], cand[:, 0]))[0]
        return int(np.rint(cand[i, 0] * SCALE)), int(np.rint(cand[i, 1] * SCALE))

    def _place_on_lattice(self, sh: _Shape, forbidden, phase: tuple[float, float], lim: float,
                          wy: float) -> tuple[int, int] | None:
        """Like `_place`, but the motif centre must land on the repeat lattice."""
        rv, rh = self.fabric.repeat_v_m, self.fabric.repeat_h_m
        x0 = phase[0] - sh.anchor[0]
        y0 = phase[1] - sh.anchor[1]
        if rv > 0:
            xs = x0 + rv * np.arange(np.ceil(-x0 / rv - 1e-9), np.floor((lim - x0) / rv) + 1)
        else:
            c = shapely.get_coordinates(forbidden.boundary) if not forbidden.is_empty else \
                np.zeros((0, 2))
            xs = np.unique(np.concatenate([[0.0], c[:, 0]]))
            xs = xs[(xs >= 0) & (xs <= lim)]
        ys_all = np.zeros(0)
        if rh > 0:
            ys_all = y0 + rh * np.arange(np.ceil(-y0 / rh - 1e-9), np.floor((wy - y0) / rh) + 1)
        for x in xs:
            blocked = []
            if not forbidden.is_empty:
                cut = forbidden.intersection(LineString([(x, -1.0), (x, wy + 1.0)]))
                for g in getattr(cut, "geoms", [cut]):
                    if g.is_empty or g.geom_type == "Point":
                        continue
                    ys = np.asarray(g.coords)[:, 1]
                    blocked.append((ys.min(), ys.max()))
            cands = ys_all if rh > 0 else np.array([0.0] + [b for _, b in blocked])
            cands = np.sort(cands[(cands >= -1e-9) & (cands <= wy + 1e-9)])
            for y in cands:
                if all(not (lo + 1e-9 < y < hi - 1e-9) for lo, hi in blocked):
                    y = min(max(y, 0.0), wy)
                    return int(np.rint(max(x, 0.0) * SCALE)), int(np.rint(y * SCALE))
        return None


def nest(pieces: list[CutPiece], fabric: Fabric, time_budget_s: float = 3.0, seed: int = 0
         ) -> Layout:
    """Lay out every copy of every piece; try orders until the budget is spent."""
    shapes, warnings = _shapes(pieces, fabric)
    items = [k for k, pc in enumerate(pieces) for _ in range(max(1, pc.count))]
    area = {k: pieces[k].cut_area_m2 for k in range(len(pieces))}
    nester = _Nester(shapes, fabric)
    orders = [
        sorted(items, key=lambda k: -area[k]),
        sorted(items, key=lambda k: -max(s.length for s in shapes[k])),
        sorted(items, key=lambda k: -max(s.width for s in shapes[k])),
    ]
    rng = random.Random(seed)
    start = time.monotonic()
    best: tuple[float, list] | None = None
    best_order = orders[0]
    tries = 0
    while True:
        if tries < 2 * len(orders):
            order = orders[tries // 2]
        else:
            base = list(best_order)
            for _ in range(1 + rng.randrange(3)):
                i = rng.randrange(len(base))
                j = min(len(base) - 1, i + 1 + rng.randrange(3))
                base[i], base[j] = base[j], base[i]
            order = base
        mode = "bl" if tries % 2 == 0 else "end"
        length, placed = nester.run(order, mode)
        tries += 1
        if best is None or length < best[0] - 1e-9:
            best, best_order = (length, placed), order
        if time.monotonic() - start > time_budget_s or (fabric.patterned and tries >= 6):
            break
    length, placed = best if best is not None else (float("inf"), [])
    if not np.isfinite(length):
        raise InvalidArgument("pieces do not fit on the roll", field="fabric.width_m")
    copies: dict[int, int] = {}
    out = []
    for sh, x, y in placed:
        c = copies.get(sh.key, 0)
        copies[sh.key] = c + 1
        t = np.array([x, y]) / SCALE + sh.offset
        pc = pieces[sh.key]
        out.append(Placement(pc.panel_id, c, float(t[0]), float(t[1]), float(sh.rot), pc.mirrored))
    total_area = sum(area[k] for k in items)
    real_len = max(float(transform(pieces[sh.key].cut, sh.rot, *(
        np.array([x, y]) / SCALE + sh.offset))[:, 0].max()) for sh, x, y in placed)
    log.info("nested %d pieces in %d orders: %.3f m, %.1f%%", len(items), tries, real_len,
             100 * total_area / (fabric.width_m * real_len))
    return Layout(fabric.width_m, out, real_len, total_area, warnings)


def placed_polygons(pieces: list[CutPiece], layout: Layout) -> list[tuple[CutPiece, Placement,
                                                                          np.ndarray]]:
    """Each placement with its piece and its cutting line in roll coordinates."""
    by_id = {p.panel_id: p for p in pieces}
    return [(by_id[pl.panel_id], pl, transform(by_id[pl.panel_id].cut, pl.rotation_deg,
                                               pl.x_m, pl.y_m)) for pl in layout.placements]
