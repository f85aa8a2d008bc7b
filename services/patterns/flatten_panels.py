"""Flattening: each panel to a flat piece at true scale (LSCM, then ARAP), with the
distortion figures an upholsterer can act on."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import igl
import numpy as np

from services.errors import FailedPrecondition
from services.patterns.mesh import TriMesh

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FlattenOptions:
    """Flag thresholds: area change (fraction) and the largest local stretch (percent)."""

    max_area_distortion: float = 0.03
    max_stretch_pct: float = 5.0
    arap_iterations: int = 30
    #: Share of the area whose stretch is ignored in the "max": fabric eases that much in
    #: (rounded cushion corners), and it keeps one bad triangle from flagging a panel.
    ease_fraction: float = 0.02


@dataclass
class FlatPiece:
    """A panel laid flat. uv is in metres: x across the furniture, y along its up
    direction (the grain); `outline` is the CCW boundary as indices into uv."""

    panel_id: str
    uv: np.ndarray
    faces: np.ndarray
    vertex_map: np.ndarray  # uv row -> vertex index in the whole mesh
    outline: np.ndarray
    area_m2: float
    flat_area_m2: float
    area_distortion_pct: float
    max_stretch_pct: float
    flagged: bool
    suggestion: str
    face_stretch_pct: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))

    def outline_xy(self) -> np.ndarray:
        return self.uv[self.outline]


def flatten_panel(mesh: TriMesh, face_ids: np.ndarray, panel_id: str = "",
                  options: FlattenOptions | None = None) -> FlatPiece:
    """Flatten the faces `face_ids` of `mesh` into one piece."""
    opt = options or FlattenOptions()
    sub, vmap = mesh.submesh(np.asarray(face_ids))
    v, f = sub.vertices, sub.faces
    if igl.facet_components(f)[0] > 1:
        raise FailedPrecondition(f"panel {panel_id} is in several pieces; split or merge it first")
    loops = igl.boundary_loop_all(f)
    if not loops:
        raise FailedPrecondition(f"panel {panel_id} is a closed surface; split it first")
    if len(loops) > 1:
        v, f, back = _cut_to_disk(v, f, loops)
        vmap = vmap[back]
    loop = np.asarray(igl.boundary_loop(f), np.int64)
    uv = _lscm(v, f, loop)
    if opt.arap_iterations > 0:
        uv = _arap(v, f, uv, opt.arap_iterations)
    signed = _signed_areas(uv, f)
    if signed.sum() < 0:  # a mirror image: look at the piece from the fabric's face side
        uv[:, 0] *= -1
        signed = -signed
    uv = _align_grain(v, f, uv)
    uv -= uv.min(axis=0)
    if _signed_areas(uv[loop][None, :], None) < 0:
        loop = loop[::-1]
    area3d = float(TriMesh(v, f).face_areas().sum())
    flat = float(np.abs(signed).sum())
    stretch = _stretch(v, f, uv)
    areas = TriMesh(v, f).face_areas()
    ok = areas > 1e-4 * np.median(areas)
    max_stretch = _robust_max(stretch, areas, opt.ease_fraction)
    change = 100.0 * (flat - area3d) / max(area3d, 1e-12)
    flagged = abs(change) > 100 * opt.max_area_distortion or max_stretch > opt.max_stretch_pct
    suggestion = ""
    if flagged:
        worst = int(np.argmax(np.where(ok, stretch, -1)))
        p = v[f[worst]].mean(axis=0)
        suggestion = (f"fabric would stretch {max_stretch:.0f}% (area {change:+.1f}%): add a seam "
                      f"across the panel or a dart near ({p[0]:.2f}, {p[1]:.2f}, {p[2]:.2f}) m")
    log.debug("flattened %s: %.4f m2 -> %.4f m2, max stretch %.1f%%", panel_id, area3d, flat,
              max_stretch)
    return FlatPiece(panel_id, uv, f, vmap, loop, area3d, flat, change, max_stretch, flagged,
                     suggestion, stretch)


def _cut_to_disk(v: np.ndarray, f: np.ndarray, loops: list[list[int]]
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Open a band (a boxing strip, a bolster) along the shortest path between its borders,
    starting from the back-most border point, where upholsterers put the closing seam."""
    loops = sorted(loops, key=len, reverse=True)
    adj = igl.adjacency_list(f)
    cut = np.zeros(f.shape, bool)
    edge_set: set[tuple[int, int]] = set()
    target = set(int(i) for i in loops[0])
    for other in loops[1:]:
        other = np.asarray(other)
        score = v[other, 1] - 0.01 * np.abs(v[other, 0])
        src = int(other[np.argmax(score)])
        _, prev = igl.dijkstra(v, adj, src, target)
        # walk back from the nearest target to the source
        dist, _ = igl.dijkstra(v, adj, src, target)
        end = min(target, key=lambda t: dist[t])
        node = end
        while node != src and prev[node] >= 0:
            edge_set.add((min(node, int(prev[node])), max(node, int(prev[node]))))
            node = int(prev[node])
    for k in range(3):
        a, b = f[:, k], f[:, (k + 1) % 3]
        keys = zip(np.minimum(a, b).tolist(), np.maximum(a, b).tolist(), strict=True)
        cut[:, k] = [key in edge_set for key in keys]
    vn, fn, back = igl.cut_mesh(v, f, cut)
    return np.asarray(vn), np.asarray(fn, np.int64), np.asarray(back, np.int64)


def _lscm(v: np.ndarray, f: np.ndarray, loop: np.ndarray) -> np.ndarray:
    p = v[loop]
    i0 = 0
    i1 = int(np.argmax(np.linalg.norm(p - p[i0], axis=1)))
    d = float(np.linalg.norm(p[i1] - p[i0]))
    b = np.array([loop[i0], loop[i1]], np.int64)
    bc = np.array([[0.0, 0.0], [d, 0.0]])
    uv, _ = igl.lscm(v, f, b, bc)
    return np.asarray(uv, float)


def _arap(v: np.ndarray, f: np.ndarray, uv0: np.ndarray, iters: int) -> np.ndarray:
    data = igl.ARAPData()
    data.max_iter = iters
    # One pinned vertex removes the translation null space (unpinned, the solve can fail).
    b = np.array([int(f[0, 0])], np.int32)
    igl.arap_precomputation(v, f, 2, b, data)
    uv = igl.arap_solve(uv0[b], data, uv0)
    return np.asarray(uv, float)


def _signed_areas(uv: np.ndarray, f: np.ndarray | None) -> np.ndarray | float:
    if f is None:  # a polygon given as (1, n, 2)
        p = uv[0]
        q = np.roll(p, -1, axis=0)
        return float(0.5 * np.sum(p[:, 0] * q[:, 1] - q[:, 0] * p[:, 1]))
    a, b, c = uv[f[:, 0]], uv[f[:, 1]], uv[f[:, 2]]
    ab, ac = b - a, c - a
    return 0.5 * (ab[:, 0] * ac[:, 1] - ab[:, 1] * ac[:, 0])


def jacobians(v: np.ndarray, f: np.ndarray, uv: np.ndarray) -> np.ndarray:
    """Per triangle, the 2x3 linear map from its 3D plane to the flat piece."""
    p0, p1, p2 = v[f[:, 0]], v[f[:, 1]], v[f[:, 2]]
    n = np.cross(p1 - p0, p2 - p0)
    n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-30)
    pm = np.stack([p1 - p0, p2 - p0, n], axis=2)  # columns
    q0 = uv[f[:, 0]]
    qm = np.stack([uv[f[:, 1]] - q0, uv[f[:, 2]] - q0, np.zeros_like(q0)], axis=2)
    pm = pm + np.eye(3) * 1e-15
    jt = np.linalg.solve(np.transpose(pm, (0, 2, 1)), np.transpose(qm, (0, 2, 1)))
    return jt.transpose(0, 2, 1)


def _stretch(v: np.ndarray, f: np.ndarray, uv: np.ndarray) -> np.ndarray:
    s = np.linalg.svd(jacobians(v, f, uv), compute_uv=False)
    return 100.0 * np.maximum(s[:, 0] - 1.0, 1.0 - s[:, 1])


def _align_grain(v: np.ndarray, f: np.ndarray, uv: np.ndarray) -> np.ndarray:
    """Rotate so the furniture's up (or, on a seat, front-to-back) runs along +y."""
    m = TriMesh(v, f)
    n, a = m.face_normals(), m.face_areas()
    mean_n = (n * a[:, None]).sum(0)
    mean_n /= max(np.linalg.norm(mean_n), 1e-12)
    up = np.array([0.0, 1.0, 0.0]) if abs(mean_n[2]) > 0.7 else np.array([0.0, 0.0, 1.0])
    t = up - n * (n @ up)[:, None]
    d = np.einsum("fij,fj->fi", jacobians(v, f, uv), t)
    dv = (d * a[:, None]).sum(0)
    if np.linalg.norm(dv) < 0.3 * a.sum():
        # Up cancels out (a bolster all round): square the piece to its smallest enclosing
        # rectangle instead, the long side across.
        return _align_min_rect(uv, f)
    ang = np.arctan2(dv[0], dv[1])  # rotate dv onto +y
    c, s = np.cos(ang), np.sin(ang)
    return uv @ np.array([[c, -s], [s, c]]).T


def _align_min_rect(uv: np.ndarray, f: np.ndarray) -> np.ndarray:
    from shapely import MultiPoint

    rect = np.asarray(MultiPoint(uv).minimum_rotated_rectangle.exterior.coords)[:4]
    e = rect[1] - rect[0] if np.linalg.norm(rect[1] - rect[0]) >= np.linalg.norm(
        rect[2] - rect[1]) else rect[2] - rect[1]
    ang = -np.arctan2(e[1], e[0])
    c, s = np.cos(ang), np.sin(ang)
    return uv @ np.array([[c, -s], [s, c]]).T


def _robust_max(values: np.ndarray, weights: np.ndarray, ignore: float) -> float:
    """Largest value once the top `ignore` share of the weight is set aside."""
    if len(values) == 0:
        return 0.0
    order = np.argsort(values)
    cum = np.cumsum(weights[order]) / max(weights.sum(), 1e-30)
    k = int(np.searchsorted(cum, 1.0 - ignore))
    return float(values[order[min(k, len(order) - 1)]])
