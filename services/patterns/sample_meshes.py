"""Procedural furniture for tests and benchmarks: shapes whose patterns are known exactly.

All in metres, Z up, the front facing -y, normals pointing out of the upholstery.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from services.patterns.mesh import TriMesh, weld


def grid_patch(fn: Callable[[np.ndarray, np.ndarray], np.ndarray], ns: int, nt: int,
               inside: Sequence[float] | None = None) -> TriMesh:
    """Triangulate P(s, t), s, t in [0, 1], on an ns x nt grid; flip so normals face away
    from the point `inside` (an interior point of the body the patch covers)."""
    s, t = np.meshgrid(np.linspace(0, 1, ns + 1), np.linspace(0, 1, nt + 1), indexing="ij")
    pts = fn(s.ravel(), t.ravel())
    idx = np.arange((ns + 1) * (nt + 1)).reshape(ns + 1, nt + 1)
    a, b = idx[:-1, :-1].ravel(), idx[1:, :-1].ravel()
    c, d = idx[1:, 1:].ravel(), idx[:-1, 1:].ravel()
    faces = np.concatenate([np.stack([a, b, c], 1), np.stack([a, c, d], 1)])
    mesh = TriMesh(pts, faces)
    if inside is not None:
        n = mesh.face_normals()
        out = mesh.face_centroids() - np.asarray(inside, float)
        if np.sum(np.einsum("ij,ij->i", n, out) * mesh.face_areas()) < 0:
            mesh = TriMesh(pts, faces[:, ::-1].copy())
    return mesh


def combine(meshes: Sequence[TriMesh]) -> TriMesh:
    """One mesh from several, welding coincident vertices so shared edges become seams."""
    verts, faces, off = [], [], 0
    for m in meshes:
        verts.append(m.vertices)
        faces.append(m.faces + off)
        off += len(m.vertices)
    return weld(TriMesh(np.concatenate(verts), np.concatenate(faces)))


def _n(length: float, step: float) -> int:
    return max(1, math.ceil(length / step - 1e-9))


def box(x0: float, x1: float, y0: float, y1: float, z0: float, z1: float,
        step: float = 0.05, skip: Sequence[str] = ()) -> TriMesh:
    """Axis-aligned box with sharp edges; `skip` leaves out faces (e.g. "bottom", "back")."""
    c = [(x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2]
    nx, ny, nz = _n(x1 - x0, step), _n(y1 - y0, step), _n(z1 - z0, step)
    lx, ly, lz = x1 - x0, y1 - y0, z1 - z0
    def full(s: np.ndarray, v: float) -> np.ndarray:
        return np.full_like(s, v)

    faces = {
        "top": (lambda s, t: np.stack([x0 + s * lx, y0 + t * ly, full(s, z1)], 1), nx, ny),
        "bottom": (lambda s, t: np.stack([x0 + s * lx, y0 + t * ly, full(s, z0)], 1), nx, ny),
        "front": (lambda s, t: np.stack([x0 + s * lx, full(s, y0), z0 + t * lz], 1), nx, nz),
        "back": (lambda s, t: np.stack([x0 + s * lx, full(s, y1), z0 + t * lz], 1), nx, nz),
        "left": (lambda s, t: np.stack([full(s, x0), y0 + s * ly, z0 + t * lz], 1), ny, nz),
        "right": (lambda s, t: np.stack([full(s, x1), y0 + s * ly, z0 + t * lz], 1), ny, nz),
    }
    return combine([grid_patch(fn, a, b, c) for k, (fn, a, b) in faces.items() if k not in skip])


def box_cushion(width: float = 0.6, depth: float = 0.5, thickness: float = 0.1,
                z0: float = 0.0, x0: float | None = None, y0: float | None = None,
                step: float = 0.05) -> TriMesh:
    """A sharp-edged box cushion: top and bottom are exact rectangles, the boxing a band."""
    x0 = -width / 2 if x0 is None else x0
    y0 = -depth / 2 if y0 is None else y0
    return box(x0, x0 + width, y0, y0 + depth, z0, z0 + thickness, step)


def cylinder(radius: float = 0.1, length: float = 0.5, segments: int = 96,
             caps: bool = True, z: float | None = None) -> TriMesh:
    """A bolster along x: the body (2πr × L when flat) and two round end caps."""
    zc = radius if z is None else z
    inside = (0.0, 0.0, zc)

    def body(s: np.ndarray, t: np.ndarray) -> np.ndarray:
        a = 2 * math.pi * s
        return np.stack([-length / 2 + t * length, radius * np.cos(a), zc + radius * np.sin(a)], 1)

    parts = [grid_patch(body, segments, _n(length, 0.05), inside)]
    if caps:
        for xc in (-length / 2, length / 2):
            def cap(s: np.ndarray, t: np.ndarray, xc: float = xc) -> np.ndarray:
                a = 2 * math.pi * s
                return np.stack([np.full_like(s, xc), t * radius * np.cos(a),
                                 zc + t * radius * np.sin(a)], 1)
            parts.append(grid_patch(cap, segments, 4, inside))
    return combine(parts)


def dome(radius: float = 0.3, half_angle_deg: float = 75.0, rings: int = 24,
         segments: int = 64) -> TriMesh:
    """An open spherical cap (a button-tufted ottoman top, say): cannot lie flat unseamed."""
    top = radius * math.cos(math.radians(half_angle_deg))

    def cap(s: np.ndarray, t: np.ndarray) -> np.ndarray:
        polar = t * math.radians(half_angle_deg)
        a = 2 * math.pi * s
        return np.stack([radius * np.sin(polar) * np.cos(a), radius * np.sin(polar) * np.sin(a),
                         radius * np.cos(polar) - top], 1)

    return combine([grid_patch(cap, segments, rings, (0.0, 0.0, -top))])


def sweep(profile: np.ndarray, axis: int, a0: float, a1: float, step: float,
          inside: Sequence[float]) -> TriMesh:
    """Sweep a polyline given in the plane normal to `axis` (0 = x, 1 = y) from a0 to a1."""
    profile = np.asarray(profile, float)
    na = _n(a1 - a0, step)

    def fn(s: np.ndarray, t: np.ndarray) -> np.ndarray:
        k = np.rint(s * (len(profile) - 1)).astype(int)
        p = profile[k]
        a = a0 + t * (a1 - a0)
        if axis == 1:  # profile in xz
            return np.stack([p[:, 0], a, p[:, 1]], 1)
        return np.stack([a, p[:, 0], p[:, 1]], 1)  # profile in yz

    return grid_patch(fn, len(profile) - 1, na, inside)


def cap_polygon(poly2d: np.ndarray, axis: int, at: float, inside: Sequence[float]) -> TriMesh:
    """A flat end cap: the convex polygon `poly2d` fanned from its centroid."""
    poly2d = np.asarray(poly2d, float)
    c = poly2d.mean(axis=0)
    pts2 = np.vstack([c, poly2d])
    n = len(poly2d)
    faces = np.array([[0, 1 + i, 1 + (i + 1) % n] for i in range(n)], np.int64)
    if axis == 1:
        pts = np.stack([pts2[:, 0], np.full(len(pts2), at), pts2[:, 1]], 1)
    else:
        pts = np.stack([np.full(len(pts2), at), pts2[:, 0], pts2[:, 1]], 1)
    mesh = TriMesh(pts, faces)
    out = mesh.face_centroids() - np.asarray(inside, float)
    if np.sum(np.einsum("ij,ij->i", mesh.face_normals(), out)) < 0:
        mesh = TriMesh(pts, faces[:, ::-1].copy())
    return mesh


def _rolled_profile(w_in: float, w_out: float, z_in: float, z_out: float, top: float,
                    chord: float = 0.012) -> np.ndarray:
    """Inside face up, a half-round roll over the top, outside face down (2D points)."""
    r = abs(w_out - w_in) / 2
    zc = top - r
    k = max(8, math.ceil(math.pi * r / chord))
    ang = np.linspace(math.pi, 0, k + 1) if w_out > w_in else np.linspace(0, math.pi, k + 1)
    cx = (w_in + w_out) / 2
    arc = np.stack([cx + r * np.cos(ang), zc + r * np.sin(ang)], 1)
    ins = np.array([[w_in, z] for z in np.arange(z_in, zc, 0.05)] + [[w_in, zc]])
    outs = np.array([[w_out, zc]] + [[w_out, z] for z in np.arange(zc, z_out, -0.05)[1:]]
                    + [[w_out, z_out]])
    return np.vstack([ins[:-1], arc, outs[1:]])


def rolled_arm_chair(width: float = 0.85, depth: float = 0.85, arm_width: float = 0.125,
                     arm_height: float = 0.62, back_thickness: float = 0.2,
                     back_height: float = 0.8, deck_z: float = 0.36, base_z: float = 0.05,
                     cushions: int = 1, cushion_thickness: float = 0.12) -> TriMesh:
    """A club chair (or, wider with more cushions, a sofa) built from swept rolled profiles.

    Pieces: per arm inside (with the roll), outside, front; back inside (with the roll),
    outside, two sides; deck; front border; per cushion top, bottom and boxing.
    """
    hx, hy = width / 2, depth / 2
    y_back = hy - back_thickness
    parts: list[TriMesh] = []
    for side in (-1, 1):
        x_out, x_in = side * hx, side * (hx - arm_width)
        prof = _rolled_profile(x_in, x_out, deck_z, base_z, arm_height)
        inside = ((x_in + x_out) / 2, 0.0, (deck_z + base_z) / 2)
        parts.append(sweep(prof, 1, -hy, y_back, 0.05, inside))
        front = np.vstack([prof, [[x_in, base_z]]])
        parts.append(cap_polygon(front[::-1] if side > 0 else front, 1, -hy, inside))
    prof = _rolled_profile(y_back, hy, deck_z, base_z, back_height)
    inside = (0.0, (y_back + hy) / 2, (base_z + back_height) / 2)
    parts.append(sweep(prof, 0, -hx, hx, 0.05, inside))
    side_poly = np.vstack([prof, [[y_back, base_z]]])
    for side in (-1, 1):
        parts.append(cap_polygon(side_poly, 0, side * hx, inside))
    xin = hx - arm_width
    body_inside = (0.0, 0.0, (deck_z + base_z) / 2)
    parts.append(grid_patch(lambda s, t: np.stack([-xin + s * 2 * xin, -hy + t * (y_back + hy),
                                                    np.full_like(s, deck_z)], 1),
                            _n(2 * xin, 0.05), _n(y_back + hy, 0.05), body_inside))
    parts.append(grid_patch(lambda s, t: np.stack([-xin + s * 2 * xin, np.full_like(s, -hy),
                                                    base_z + t * (deck_z - base_z)], 1),
                            _n(2 * xin, 0.05), _n(deck_z - base_z, 0.05), body_inside))
    chair = combine(parts)
    gap = 0.005
    cw = (2 * xin - gap * (cushions + 1)) / cushions
    cushion_parts = [chair]
    for i in range(cushions):
        x0 = -xin + gap + i * (cw + gap)
        cushion_parts.append(box_cushion(cw, y_back + hy - 2 * gap, cushion_thickness,
                                         deck_z, x0, -hy + gap))
    verts, faces, off = [], [], 0
    for m in cushion_parts:  # cushions stay separate components (no welding to the deck)
        verts.append(m.vertices)
        faces.append(m.faces + off)
        off += len(m.vertices)
    return TriMesh(np.concatenate(verts), np.concatenate(faces))


def sofa(width: float = 2.0, cushions: int = 3) -> TriMesh:
    """A three-seat rolled-arm sofa: 21 pieces, several wider than a 54 in roll."""
    return rolled_arm_chair(width=width, depth=0.9, arm_width=0.2, arm_height=0.62,
                            back_thickness=0.22, back_height=0.85, deck_z=0.4,
                            base_z=0.08, cushions=cushions, cushion_thickness=0.13)


def square_arm_chair() -> TriMesh:
    """Two box arms either side of a seat box, mirror images across x = 0 (pair tests)."""
    arms = [box(-0.45, -0.3, -0.4, 0.4, 0.1, 0.6, skip=("bottom",)),
            box(0.3, 0.45, -0.4, 0.4, 0.1, 0.6, skip=("bottom",))]
    seat = box(-0.28, 0.28, -0.4, 0.4, 0.1, 0.4, skip=("bottom",))
    verts, faces, off = [], [], 0
    for m in [*arms, seat]:
        verts.append(m.vertices)
        faces.append(m.faces + off)
        off += len(m.vertices)
    return TriMesh(np.concatenate(verts), np.concatenate(faces))
