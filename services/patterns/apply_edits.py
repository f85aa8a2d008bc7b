"""One edit applied to a stored revision: a new revision with only the changed panels
re-flattened (a split's parts, a merge's result) and every piece re-cut (seams, labels
and notches follow the neighbours' ids and names).

The input revision is never changed: a refused edit (a bad line, a merge that will not
flatten) leaves nothing behind.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass

import numpy as np

from services.errors import InvalidArgument
from services.patterns import edit_panels
from services.patterns.job_state import PatternState
from services.patterns.panels import PanelSet
from services.patterns.pipeline import cut_all, flatten_all

log = logging.getLogger(__name__)

#: Largest per-edge seam allowance accepted (a typo guard: 10 cm).
MAX_SEAM_ALLOWANCE_M = 0.1


@dataclass(frozen=True)
class Split:
    panel_id: str
    line: np.ndarray  # (n, 3) metres


@dataclass(frozen=True)
class Merge:
    panel_id: str
    other_panel_id: str


@dataclass(frozen=True)
class Rename:
    panel_id: str
    name: str


@dataclass(frozen=True)
class Exclude:
    panel_id: str
    excluded: bool


@dataclass(frozen=True)
class Pair:
    panel_id: str
    other_panel_id: str  # "" unpairs


@dataclass(frozen=True)
class Count:
    panel_id: str
    count: int


@dataclass(frozen=True)
class SeamAllowance:
    panel_id: str
    neighbour_panel_id: str  # "" for the free edges
    all_edges: bool
    seam_allowance_m: float
    reset: bool


Edit = Split | Merge | Rename | Exclude | Pair | Count | SeamAllowance


def apply_edit(state: PatternState, edit: Edit) -> PatternState:
    """The next revision: `state` with `edit` applied, re-flattened where needed."""
    ps = PanelSet(state.panels.mesh, state.panels.face_panel.copy(),
                  copy.deepcopy(state.panels.panels), state.panels.next_id)
    touched: set[str] = set()
    if isinstance(edit, Split):
        touched |= set(edit_panels.split_along_line(ps, edit.panel_id, edit.line))
    elif isinstance(edit, Merge):
        touched.add(edit_panels.merge(ps, edit.panel_id, edit.other_panel_id))
    elif isinstance(edit, Rename):
        edit_panels.rename(ps, edit.panel_id, edit.name)
    elif isinstance(edit, Exclude):
        edit_panels.exclude(ps, edit.panel_id, edit.excluded)
    elif isinstance(edit, Pair):
        _pair(ps, edit)
    elif isinstance(edit, Count):
        edit_panels.set_count(ps, edit.panel_id, edit.count)
    elif isinstance(edit, SeamAllowance):
        _seam_allowance(state, ps, edit)
    else:
        raise InvalidArgument("name an edit: split, merge, rename, exclude, pair, count or "
                              "seam_allowance", field="edit")
    ids = {p.id for p in ps.panels}
    for p in ps.panels:  # overrides keyed by a panel a merge removed mean nothing now
        p.seam_allowance_m = {k: v for k, v in p.seam_allowance_m.items() if not k or k in ids}
    # The person is in charge now: flag what will not lie flat, but do not re-seam it.
    opt = state.options.pattern_options(split_undevelopable=False)
    kept = {pid: f for pid, f in state.flats.items() if pid in ids and pid not in touched}
    flats = flatten_all(ps, opt, only=touched, old=kept) if touched else kept
    pieces = cut_all(ps, flats, opt)
    log.info("edit %s on revision %d: re-flattened %s", type(edit).__name__, state.revision,
             sorted(touched) or "nothing")
    return PatternState(state.revision + 1, ps, flats, pieces, state.options)


def _pair(ps: PanelSet, edit: Pair) -> None:
    if edit.other_panel_id:
        edit_panels.pair(ps, edit.panel_id, edit.other_panel_id)
        return
    panel = ps.get(edit.panel_id)
    for p in ps.panels:
        if p.id == panel.mirror_of or p.mirror_of == panel.id:
            p.mirror_of = ""
    panel.mirror_of = ""


def _seam_allowance(state: PatternState, ps: PanelSet, edit: SeamAllowance) -> None:
    panel = ps.get(edit.panel_id)
    if not edit.reset and not 0 <= edit.seam_allowance_m <= MAX_SEAM_ALLOWANCE_M:
        raise InvalidArgument(f"a seam allowance is 0 to {MAX_SEAM_ALLOWANCE_M * 100:.0f} cm",
                              field="seam_allowance.seam_allowance_m")
    piece = state.piece(panel.id)
    edges = set(piece.edge_neighbour) if piece is not None else set()
    if edit.all_edges:
        keys = edges | {""} | set(panel.seam_allowance_m)
    else:
        if edit.neighbour_panel_id not in edges:
            what = (f"panel {edit.neighbour_panel_id!r} is not sewn to {panel.id}"
                    if edit.neighbour_panel_id else f"{panel.id} has no free edges")
            raise InvalidArgument(what, field="seam_allowance.neighbour_panel_id")
        keys = {edit.neighbour_panel_id}
    for key in keys:
        if edit.reset:
            panel.seam_allowance_m.pop(key, None)
        else:
            panel.seam_allowance_m[key] = float(edit.seam_allowance_m)
