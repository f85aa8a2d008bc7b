"""Standard names from where a panel sits and which way it faces (Z up, front = -y,
left = -x), and mirrored left/right pairs found across the x = 0 plane."""

from __future__ import annotations

import logging

import numpy as np
from scipy.spatial import cKDTree

from services.patterns.panels import NOT_UPHOLSTERED, PanelSet
from services.patterns.segment_panels import face_components

log = logging.getLogger(__name__)


def _stats(ps: PanelSet, i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    faces = np.flatnonzero(ps.face_panel == i)
    a = ps.mesh.face_areas()[faces]
    n = (ps.mesh.face_normals()[faces] * a[:, None]).sum(0)
    n /= max(np.linalg.norm(n), 1e-12)
    c = (ps.mesh.face_centroids()[faces] * a[:, None]).sum(0) / max(a.sum(), 1e-12)
    v = ps.mesh.vertices[np.unique(ps.mesh.faces[faces])]
    return n, c, v.min(0), v.max(0), float(a.sum())


def name_all(ps: PanelSet) -> None:
    """Name every panel; exclude dust covers and bases. Loose closed parts (cushions) get
    seat_cushion_* names, numbered from -x when there are several."""
    mesh = ps.mesh
    lo, hi = mesh.vertices.min(0), mesh.vertices.max(0)
    size = hi - lo
    parts = face_components(mesh, np.ones(len(mesh.edges()[1]), bool))
    _, ef = mesh.edges()
    closed_parts = set(np.unique(parts)) - set(np.unique(parts[ef[ef[:, 1] < 0, 0]]))
    part_of = [int(parts[np.flatnonzero(ps.face_panel == i)[0]]) for i in range(len(ps.panels))]
    cushion_parts = sorted({p for p in part_of
                            if p in closed_parts and _is_cushion(ps, p, part_of)},
                           key=lambda p: mesh.face_centroids()[parts == p][:, 0].mean())
    names: list[str] = []
    for i in range(len(ps.panels)):
        n, c, bmin, bmax, _ = _stats(ps, i)
        if part_of[i] in cushion_parts:
            k = cushion_parts.index(part_of[i])
            base = "seat_cushion" if len(cushion_parts) == 1 else f"seat_cushion_{k + 1}"
            role = "top" if n[2] > 0.7 else "bottom" if n[2] < -0.7 else "boxing"
            names.append(f"{base}_{role}")
            continue
        names.append(_name_one(n, c, bmin, bmax, lo, hi, size))
    seen: dict[str, int] = {}
    for i, nm in enumerate(names):
        if names.count(nm) > 1:
            seen[nm] = seen.get(nm, 0) + 1
            nm = f"{nm}_{seen[nm]}"
        ps.panels[i].name = nm
        ps.panels[i].excluded = nm.split("_")[0] in {x.split("_")[0] for x in NOT_UPHOLSTERED}


def _is_cushion(ps: PanelSet, part: int, part_of: list[int]) -> bool:
    idx = [i for i, p in enumerate(part_of) if p == part]
    roles = [_stats(ps, i)[0][2] for i in idx]
    return len(idx) == 3 and max(roles) > 0.7 and min(roles) < -0.7


def _name_one(n: np.ndarray, c: np.ndarray, bmin: np.ndarray, bmax: np.ndarray,
              lo: np.ndarray, hi: np.ndarray, size: np.ndarray) -> str:
    side = "_L" if c[0] < 0 else "_R"
    centred = abs(c[0]) < 0.1 * size[0]
    rel = (c - lo) / np.maximum(size, 1e-9)
    if n[2] < -0.7:
        return "dust_cover" if rel[2] < 0.25 else "panel"
    if bmax[2] < lo[2] + 0.1 * size[2] and n[2] < 0.7:
        return "plinth"
    k = int(np.argmax(np.abs(n)))
    if k == 2 and bmax[2] - bmin[2] > 0.05 and np.hypot(n[0], n[1]) > 0.3:
        k = int(np.argmax(np.abs(n[:2])))  # a face that wraps over a roll: name it by its side
    if k == 2:  # facing up
        if rel[2] > 0.85:
            return "back_top" if rel[1] > 0.6 else "arm_top" + ("" if centred else side)
        if not centred and abs(c[0]) > 0.3 * size[0]:
            return "arm_top" + side
        return "deck"
    if k == 1 and n[1] < 0:  # facing front
        if not centred and abs(c[0]) > 0.3 * size[0]:
            return "arm_front" + side
        return "inside_back" if rel[1] > 0.5 else "front_border"
    if k == 1:
        if not centred and abs(c[0]) > 0.3 * size[0]:
            return "arm_back" + side
        return "outside_back"
    outward = np.sign(n[0]) == np.sign(c[0])
    if not outward:
        return "inside_arm" + side
    if bmin[1] > lo[1] + 0.6 * size[1]:
        return "back_side" + side
    return "outside_arm" + side


def detect_mirrors(ps: PanelSet, tol_m: float = 0.005) -> list[tuple[str, str]]:
    """Pair panels that are mirror images across x = 0 (mean surface gap under `tol_m`)."""
    mesh = ps.mesh
    cents = mesh.face_centroids()
    areas = mesh.face_areas()
    e, _ = mesh.edges()
    tol_m = max(tol_m, 0.5 * float(np.mean(np.linalg.norm(
        mesh.vertices[e[:, 0]] - mesh.vertices[e[:, 1]], axis=1))))
    info = []
    for i in range(len(ps.panels)):
        f = np.flatnonzero(ps.face_panel == i)
        info.append((mesh.vertices[np.unique(mesh.faces[f])], areas[f].sum(),
                     (cents[f] * areas[f, None]).sum(0) / areas[f].sum()))
    pairs: list[tuple[str, str]] = []
    used: set[int] = set()
    parts = face_components(mesh, np.ones(len(e), bool))
    _, ef = mesh.edges()
    closed = set(np.unique(parts)) - set(np.unique(parts[ef[ef[:, 1] < 0, 0]]))
    # Loose cushions are whole items, not left/right pieces; excluded panels are not cut.
    skip = {i for i in range(len(ps.panels)) if ps.panels[i].excluded
            or int(parts[np.flatnonzero(ps.face_panel == i)[0]]) in closed}
    for i in range(len(ps.panels)):
        fi, ai, ci = info[i]
        if i in used or i in skip or abs(ci[0]) < tol_m:
            continue
        for j in range(i + 1, len(ps.panels)):
            fj, aj, cj = info[j]
            if j in used or j in skip or abs(ai - aj) > 0.01 * max(ai, aj):
                continue
            if np.linalg.norm(ci * [-1, 1, 1] - cj) > 2 * tol_m:
                continue
            mirrored = fi * [-1, 1, 1]
            d1, _ = cKDTree(fj).query(mirrored)
            d2, _ = cKDTree(mirrored).query(fj)
            if max(d1.mean(), d2.mean()) < tol_m:
                pairs.append((ps.panels[i].id, ps.panels[j].id))
                ps.panels[i].mirror_of = ps.panels[j].id
                ps.panels[j].mirror_of = ps.panels[i].id
                used |= {i, j}
                break
    log.info("found %d mirrored pairs", len(pairs))
    return pairs
