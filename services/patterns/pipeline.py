"""The whole patterns job as plain calls: mesh -> panels -> flat pieces -> cut pieces ->
marker and quote. The CLI and the gRPC servicer are thin adapters over these."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from services.patterns.cut_pieces import CutOptions, CutPiece, make_cut_piece
from services.patterns.edit_panels import split_by_plane
from services.patterns.fabric import Fabric
from services.patterns.flatten_panels import FlatPiece, FlattenOptions, flatten_panel
from services.patterns.mesh import TriMesh
from services.patterns.name_panels import detect_mirrors, name_all
from services.patterns.nest_pieces import Layout, nest
from services.patterns.panels import PanelSet, from_labels
from services.patterns.quote import Quote, make_quote
from services.patterns.segment_panels import SegmentOptions, segment
from services.patterns.units import DEFAULT_SEAM_ALLOWANCE_M, UnitSystem

log = logging.getLogger(__name__)
Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class PatternOptions:
    """Everything a patterns job needs besides the mesh; defaults are the shop's."""

    seam_allowance_m: float = DEFAULT_SEAM_ALLOWANCE_M
    max_area_distortion: float = 0.03
    max_stretch_pct: float = 5.0
    #: Seam panels that will not lie flat (up to `split_depth` halvings).
    split_undevelopable: bool = True
    split_depth: int = 3
    #: Use the mesh's own per-face labels (a PLY panel_id) instead of segmenting.
    use_mesh_labels: bool = False
    label_names: tuple[str, ...] = ()
    project: str = ""
    units: UnitSystem = UnitSystem.IMPERIAL
    segment: SegmentOptions = field(default_factory=SegmentOptions)


@dataclass
class PatternResult:
    """Panels, their flat pieces (by panel id) and the cut pieces of panels not excluded."""

    panels: PanelSet
    flats: dict[str, FlatPiece]
    pieces: list[CutPiece]


def _noop(stage: str, fraction: float) -> None:
    del stage, fraction


def make_panels(mesh: TriMesh, opt: PatternOptions) -> PanelSet:
    """Segment (or take the mesh's labels), name, and pair mirrored panels."""
    if opt.use_mesh_labels and mesh.face_labels is not None:
        ps = from_labels(mesh, mesh.face_labels, list(opt.label_names) or None)
    else:
        ps = segment(mesh, opt.segment)
        name_all(ps)
    detect_mirrors(ps)
    return ps


def flatten_all(ps: PanelSet, opt: PatternOptions, progress: Progress = _noop,
                only: set[str] | None = None, old: dict[str, FlatPiece] | None = None
                ) -> dict[str, FlatPiece]:
    """Flatten every panel (or those in `only`), seaming ones that will not lie flat."""
    fopt = FlattenOptions(opt.max_area_distortion, opt.max_stretch_pct)
    flats = dict(old or {})
    todo = [(p.id, 0) for p in ps.panels if only is None or p.id in only]
    done = 0
    while todo:
        pid, depth = todo.pop(0)
        fp = flatten_panel(ps.mesh, ps.faces_of(pid), pid, fopt)
        panel = ps.get(pid)
        if fp.flagged and opt.split_undevelopable and depth < opt.split_depth \
                and not panel.excluded:
            ids = _halve(ps, pid)
            if len(ids) == 2:
                log.info("seamed %s: %s", panel.name, fp.suggestion)
                todo += [(i, depth + 1) for i in ids]
                continue
        flats[pid] = fp
        for k in ("area_m2", "flat_area_m2", "area_distortion_pct", "max_stretch_pct",
                  "flagged", "suggestion"):
            setattr(panel, k, getattr(fp, k))
        done += 1
        progress("flatten", done / max(done + len(todo), 1))
    return {p.id: flats[p.id] for p in ps.panels if p.id in flats}


def _halve(ps: PanelSet, pid: str) -> list[str]:
    """Split across the panel's longest direction, through its middle."""
    faces = ps.faces_of(pid)
    c = ps.mesh.face_centroids()[faces]
    a = ps.mesh.face_areas()[faces]
    mid = (c * a[:, None]).sum(0) / a.sum()
    _, _, vt = np.linalg.svd((c - mid) * np.sqrt(a)[:, None], full_matrices=False)
    base = ps.get(pid).name
    try:
        ids = split_by_plane(ps, pid, mid, vt[0])
    except Exception:
        return []
    for k, i in enumerate(ids):
        ps.get(i).name = f"{base}_{k + 1}"
    return ids


def cut_all(ps: PanelSet, flats: dict[str, FlatPiece], opt: PatternOptions) -> list[CutPiece]:
    copt = CutOptions(opt.seam_allowance_m, project=opt.project, units=opt.units)
    return [make_cut_piece(ps, flats[p.id], copt) for p in ps.panels
            if not p.excluded and p.id in flats]


def run_patterns(mesh: TriMesh, opt: PatternOptions | None = None,
                 progress: Progress = _noop) -> PatternResult:
    """Segment, flatten and cut: everything up to (not including) the fabric."""
    opt = opt or PatternOptions()
    progress("segment", 0.0)
    ps = make_panels(mesh, opt)
    progress("flatten", 0.0)
    flats = flatten_all(ps, opt, progress)
    progress("cut", 0.0)
    pieces = cut_all(ps, flats, opt)
    progress("cut", 1.0)
    return PatternResult(ps, flats, pieces)


def layout_and_quote(result: PatternResult, fabric: Fabric, labour: float = 0.0,
                     time_budget_s: float = 3.0) -> tuple[Layout, Quote]:
    """Nest the cut pieces on `fabric` and price the yardage."""
    lay = nest(result.pieces, fabric, time_budget_s)
    return lay, make_quote(lay, fabric, labour)
