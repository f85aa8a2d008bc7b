"""Automatic panels: seams where the surface creases or turns, the way an upholsterer cuts.

1. Creases (dihedral angle over `crease_deg`) split the surface into smooth patches.
2. A closed, box-like part (a loose cushion) becomes top, bottom and one boxing band.
3. Elsewhere, flat regions are found; curved strips between them (rolled arms, a rolled
   back) join the neighbouring flat region that faces the inside of the piece — the
   inside arm wraps over the roll and the seam hides on the outside.
4. Slivers merge into their longest neighbour. Splitting panels that will not lie flat is
   done after flattening (`pipeline.split_undevelopable`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from services.patterns.mesh import TriMesh, dihedral_angles
from services.patterns.panels import Panel, PanelSet, palette

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SegmentOptions:
    """Thresholds; the defaults suit furniture meshes in metres."""

    crease_deg: float = 30.0
    flat_deg: float = 1.5
    min_plane_width_m: float = 0.03
    sliver_area_m2: float = 0.003
    vertical_tol_deg: float = 2.0


def face_components(mesh: TriMesh, edge_ok: np.ndarray, faces: np.ndarray | None = None
                    ) -> np.ndarray:
    """Component id per face, joining faces across edges where `edge_ok` (-1 outside `faces`)."""
    _, ef = mesh.edges()
    m = len(mesh.faces)
    sel = np.ones(m, bool) if faces is None else np.zeros(m, bool)
    if faces is not None:
        sel[faces] = True
    use = edge_ok & (ef[:, 1] >= 0)
    a, b = ef[use, 0], ef[use, 1]
    keep = sel[a] & sel[b]
    g = coo_matrix((np.ones(keep.sum()), (a[keep], b[keep])), shape=(m, m))
    _, comp = connected_components(g, directed=False)
    comp = comp.astype(np.int64)
    comp[~sel] = -1
    return comp


def _relabel(labels: np.ndarray) -> np.ndarray:
    out = np.full(len(labels), -1)
    ok = labels >= 0
    _, inv = np.unique(labels[ok], return_inverse=True)
    out[ok] = inv.ravel()
    return out


def segment(mesh: TriMesh, options: SegmentOptions | None = None) -> PanelSet:
    """Split `mesh` into panels (unnamed; see name_panels.name_all)."""
    opt = options or SegmentOptions()
    ang = np.degrees(dihedral_angles(mesh))
    _, ef = mesh.edges()
    normals = mesh.face_normals()
    areas = mesh.face_areas()
    ref = 0.5 * (mesh.vertices.min(axis=0) + mesh.vertices.max(axis=0))

    parts = face_components(mesh, np.ones(len(ef), bool))
    border_faces = np.zeros(len(mesh.faces), bool)
    border_faces[ef[ef[:, 1] < 0, 0]] = True
    labels = np.full(len(mesh.faces), -1)
    next_label = 0
    smooth = ang < opt.crease_deg
    for part in range(parts.max() + 1):
        faces = np.flatnonzero(parts == part)
        cushion = None if border_faces[faces].any() else _cushion_split(mesh, faces, normals,
                                                                          areas, opt)
        if cushion is not None:
            sub = cushion
        else:
            sub = _general_split(mesh, faces, ang, smooth, normals, areas, ref, opt)
        ok = sub >= 0
        labels[faces[ok]] = sub[ok] + next_label
        next_label = labels.max() + 1
    labels = _merge_slivers(mesh, _relabel(labels), areas, opt.sliver_area_m2)
    panels = [Panel(id=f"p{i + 1}", name=f"panel_{i + 1}", color=palette(i))
              for i in range(labels.max() + 1)]
    log.info("segmented %d faces into %d panels", len(mesh.faces), len(panels))
    return PanelSet(mesh, labels, panels, next_id=len(panels) + 1)


def _cushion_split(mesh: TriMesh, faces: np.ndarray, normals: np.ndarray, areas: np.ndarray,
                   opt: SegmentOptions) -> np.ndarray | None:
    """Top / bottom / boxing for a closed box-like part, else None."""
    nz = normals[faces, 2]
    tol = np.sin(np.radians(opt.vertical_tol_deg))
    cls = np.where(nz > tol, 0, np.where(nz < -tol, 1, 2))
    a = areas[faces]
    for c, sign in ((0, 1), (1, -1)):
        m = cls == c
        if not m.any() or sign * np.sum(nz[m] * a[m]) / a[m].sum() < 0.9:
            return None
    if not (cls == 2).any():
        return None
    _, ef = mesh.edges()
    local = np.full(len(mesh.faces), -1)
    local[faces] = cls
    same = (ef[:, 1] >= 0) & (local[ef[:, 0]] == local[np.maximum(ef[:, 1], 0)])
    comp = face_components(mesh, same, faces)
    return _relabel(comp[faces])


def _general_split(mesh: TriMesh, faces: np.ndarray, ang: np.ndarray, smooth: np.ndarray,
                   normals: np.ndarray, areas: np.ndarray, ref: np.ndarray,
                   opt: SegmentOptions) -> np.ndarray:
    patches = face_components(mesh, smooth, faces)
    flat = face_components(mesh, ang < opt.flat_deg, faces)
    out = np.full(len(mesh.faces), -1)
    nxt = 0
    centroids = mesh.face_centroids()
    _, ef = mesh.edges()
    for pid in np.unique(patches[faces]):
        pf = np.flatnonzero(patches == pid)
        plane_of = np.full(len(mesh.faces), -1)
        planes: list[tuple[int, float]] = []  # (flat component id, inward score)
        for fid in np.unique(flat[pf]):
            ff = np.flatnonzero(flat == fid)
            if _is_plane(mesh, ff, areas, opt) and areas[ff].sum() >= 0.05 * areas[pf].sum():
                a = areas[ff]
                n = (normals[ff] * a[:, None]).sum(0)
                n /= max(np.linalg.norm(n), 1e-12)
                c = (centroids[ff] * a[:, None]).sum(0) / a.sum()
                d = ref - c
                score = float(n @ d / max(np.linalg.norm(d), 1e-9))
                plane_of[ff] = len(planes)
                planes.append((fid, score))
        if not planes:
            out[pf] = nxt
            nxt += 1
            continue
        curved = pf[plane_of[pf] < 0]
        assign = plane_of.copy()
        if len(curved):
            cc = face_components(mesh, smooth, curved)
            for cid in np.unique(cc[curved]):
                cf = np.flatnonzero(cc == cid)
                mask = np.zeros(len(mesh.faces), bool)
                mask[cf] = True
                inner = ef[:, 1] >= 0
                e0, e1 = ef[inner, 0], ef[inner, 1]
                touch = np.concatenate([plane_of[e1[mask[e0]]], plane_of[e0[mask[e1]]]])
                touch = np.unique(touch[touch >= 0])
                if len(touch) == 0:
                    assign[cf] = len(planes)
                    planes.append((-1, -9.0))
                    continue
                best = max(touch, key=lambda k: planes[k][1])
                assign[cf] = best
        for k in np.unique(assign[pf]):
            out[pf[assign[pf] == k]] = nxt
            nxt += 1
    return out[faces]


def _is_plane(mesh: TriMesh, ff: np.ndarray, areas: np.ndarray, opt: SegmentOptions) -> bool:
    """A flat region wide enough to be a face of its own, not one facet of a polygonised roll."""
    area = areas[ff].sum()
    if area < opt.sliver_area_m2:
        return False
    pts = mesh.vertices[np.unique(mesh.faces[ff])]
    pts = pts - pts.mean(axis=0)
    _, _, vt = np.linalg.svd(pts, full_matrices=False)
    length = np.ptp(pts @ vt[0])
    return area / max(length, 1e-9) >= opt.min_plane_width_m


def _merge_slivers(mesh: TriMesh, labels: np.ndarray, areas: np.ndarray, min_area: float
                   ) -> np.ndarray:
    """Give each panel under `min_area` to the neighbour it shares the longest seam with."""
    e, ef = mesh.edges()
    inner = ef[:, 1] >= 0
    elen = np.linalg.norm(mesh.vertices[e[:, 0]] - mesh.vertices[e[:, 1]], axis=1)[inner]
    for _ in range(10):
        pa = np.bincount(labels[labels >= 0], weights=areas[labels >= 0],
                         minlength=labels.max() + 1)
        small = [int(i) for i in np.argsort(pa) if pa[i] < min_area]
        changed = False
        for s in small:
            a, b = labels[ef[inner, 0]], labels[ef[inner, 1]]
            m = ((a == s) & (b != s) & (b >= 0)) | ((b == s) & (a != s) & (a >= 0))
            if not m.any():
                continue
            other = np.where(a[m] == s, b[m], a[m])
            seam = np.bincount(other, weights=elen[m])
            labels[labels == s] = int(np.argmax(seam))
            changed = True
        labels = _relabel(labels)
        if not changed:
            break
    return labels
