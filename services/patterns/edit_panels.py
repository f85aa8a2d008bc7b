"""Edits a person makes on the touchscreen, as plain functions over a PanelSet.

Each validates its input (InvalidArgument names the field) and changes the set in place;
the caller re-flattens the panels it touched.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
from scipy.spatial import cKDTree

from services.errors import InvalidArgument
from services.patterns.panels import STANDARD_NAMES, Panel, PanelSet, palette
from services.patterns.segment_panels import face_components


def _components_of(ps: PanelSet, faces: np.ndarray, barrier: np.ndarray) -> np.ndarray:
    """Connected parts of `faces` once the faces in `barrier` are taken out."""
    keep = np.setdiff1d(faces, barrier)
    return face_components(ps.mesh, np.ones(len(ps.mesh.edges()[1]), bool), keep)


def _split_by_sides(ps: PanelSet, idx: int, side: np.ndarray) -> list[str]:
    faces = np.flatnonzero(ps.face_panel == idx)
    old = ps.panels[idx]
    new_ids = []
    for k, val in enumerate(np.unique(side)):
        sel = faces[side == val]
        if k == 0:
            continue
        p = Panel(id=ps.new_id(), name=old.name, count=old.count, color=palette(len(ps.panels)),
                  seam_allowance_m=dict(old.seam_allowance_m))
        ps.panels.append(p)
        ps.face_panel[sel] = len(ps.panels) - 1
        new_ids.append(p.id)
    old.mirror_of = ""
    return [old.id, *new_ids]


def split_by_plane(ps: PanelSet, panel_id: str, origin: np.ndarray, normal: np.ndarray
                   ) -> list[str]:
    """Split a panel in two by a plane (used to seam panels that will not lie flat)."""
    idx = ps.index(panel_id)
    faces = np.flatnonzero(ps.face_panel == idx)
    side = (ps.mesh.face_centroids()[faces] - origin) @ normal > 0
    if side.all() or not side.any():
        raise InvalidArgument("the plane does not cross the panel", field="split.line")
    return _split_by_sides(ps, idx, side.astype(int))


def split_along_line(ps: PanelSet, panel_id: str, line: np.ndarray) -> list[str]:
    """Split a panel along a polyline drawn on it (points in metres, on or near the surface).

    Faces the line passes through form a barrier; the rest falls into two or more parts and
    each barrier face joins the part whose faces are nearest. Returns the panel ids.
    """
    line = np.asarray(line, float)
    if line.ndim != 2 or line.shape[1] != 3 or len(line) < 2:
        raise InvalidArgument("a split line needs at least two 3D points", field="split.line")
    idx = ps.index(panel_id)
    faces = np.flatnonzero(ps.face_panel == idx)
    cents = ps.mesh.face_centroids()[faces]
    e, _ = ps.mesh.edges()
    step = float(np.median(np.linalg.norm(ps.mesh.vertices[e[:, 0]] - ps.mesh.vertices[e[:, 1]],
                                          axis=1)))
    samples = np.concatenate([np.linspace(a, b, max(2, int(np.linalg.norm(b - a) / (0.25 * step))))
                              for a, b in itertools.pairwise(line)])
    tree = cKDTree(cents)
    near = tree.query_ball_point(samples, r=0.75 * step)
    hits = [np.asarray(n, int) for n in near] + [np.zeros(0, int)]
    barrier_local = np.unique(np.concatenate(hits))
    if len(barrier_local) == 0:
        raise InvalidArgument("the line does not touch the panel", field="split.line")
    comp = _components_of(ps, faces, faces[barrier_local])
    labels = comp[faces]
    parts = np.unique(labels[labels >= 0])
    if len(parts) < 2:
        raise InvalidArgument("the line must cross the panel from edge to edge",
                              field="split.line")
    # keep the two largest parts; small crumbs and the barrier go to the nearest of them
    areas = ps.mesh.face_areas()[faces]
    sizes = [areas[labels == p].sum() for p in parts]
    big = parts[np.argsort(sizes)[-2:]]
    owner = np.where(np.isin(labels, big), labels, -1)
    known = owner >= 0
    _, nn = cKDTree(cents[known]).query(cents[~known])
    owner[~known] = owner[known][nn]
    return _split_by_sides(ps, idx, owner)


def merge(ps: PanelSet, panel_id: str, other_panel_id: str) -> str:
    """Merge the second panel into the first (which keeps its name); they must share a seam."""
    a, b = ps.index(panel_id), ps.index(other_panel_id)
    if a == b:
        raise InvalidArgument("cannot merge a panel with itself", field="merge.other_panel_id")
    if (min(a, b), max(a, b)) not in ps.neighbours():
        raise InvalidArgument("panels do not share a seam", field="merge.other_panel_id")
    gone = ps.panels[b].id
    ps.face_panel[ps.face_panel == b] = a
    for p in ps.panels:
        if p.mirror_of in (gone, ps.panels[a].id):
            p.mirror_of = ""
    ps.panels[a].mirror_of = ""
    ps.compact()
    return ps.panels[ps.index(panel_id)].id


_NAME_RE = re.compile(r"^(?P<base>[a-z_]+?)(_(L|R|\d+))*$")


def rename(ps: PanelSet, panel_id: str, name: str) -> None:
    """Rename to a standard piece name (optionally with _L/_R or _1, _2 ... suffixes)."""
    m = _NAME_RE.match(name or "")
    base = m.group("base") if m else ""
    if not any(name == s or name.startswith(s + "_") for s in STANDARD_NAMES) or not base:
        raise InvalidArgument(f"{name!r} is not a standard piece name", field="rename.name")
    ps.get(panel_id).name = name


def exclude(ps: PanelSet, panel_id: str, excluded: bool = True) -> None:
    """Leave a panel out of cutting (legs, floor scraps) or bring it back."""
    ps.get(panel_id).excluded = bool(excluded)


def pair(ps: PanelSet, panel_id: str, other_panel_id: str) -> None:
    """Mark two panels as mirrored twins (cut one of them mirrored)."""
    a, b = ps.get(panel_id), ps.get(other_panel_id)
    if a.id == b.id:
        raise InvalidArgument("a panel cannot be its own mirror", field="pair.other_panel_id")
    for p in ps.panels:
        if p.mirror_of in (a.id, b.id):
            p.mirror_of = ""
    a.mirror_of, b.mirror_of = b.id, a.id


def set_count(ps: PanelSet, panel_id: str, count: int) -> None:
    """How many of this piece to cut (at least 1)."""
    if int(count) < 1:
        raise InvalidArgument("count must be at least 1", field="count.count")
    ps.get(panel_id).count = int(count)


def count_pieces(ps: PanelSet) -> int:
    """Pieces to cut: the counts of every panel not excluded."""
    return sum(p.count for p in ps.panels if not p.excluded)
