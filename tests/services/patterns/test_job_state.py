"""Stored revisions and edits on them: round trip, only touched panels re-flattened,
refused edits leave nothing, layouts kept with their revision."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from services.errors import FailedPrecondition, InvalidArgument
from services.patterns import sample_meshes
from services.patterns.apply_edits import Merge, Pair, Rename, SeamAllowance, Split, apply_edit
from services.patterns.fabric import Fabric
from services.patterns.job_state import (
    JobOptions,
    PatternState,
    current_revision,
    load_state,
    save_mesh,
    save_state,
)
from services.patterns.layouts import cached_layout, layout_for
from services.patterns.pipeline import run_patterns
from services.patterns.units import INCH


@pytest.fixture
def job_dir(tmp_path: Path) -> Path:
    options = JobOptions(project_name="t")
    mesh = sample_meshes.box_cushion(0.3, 0.25, 0.1)
    result = run_patterns(mesh, options.pattern_options())
    save_mesh(tmp_path, result.panels.mesh)
    save_state(tmp_path, PatternState(1, result.panels, result.flats, result.pieces, options))
    return tmp_path


def named(state: PatternState, name: str) -> str:
    return next(p.id for p in state.panels.panels if p.name == name)


def test_a_revision_reads_back_as_written(job_dir):
    state = load_state(job_dir)
    assert state.revision == 1 and len(state.pieces) == 3
    again = run_patterns(sample_meshes.box_cushion(0.3, 0.25, 0.1),
                         state.options.pattern_options())
    for a, b in zip(state.pieces, again.pieces, strict=True):
        assert a.name == b.name and np.allclose(a.cut, b.cut) and np.allclose(a.label_at,
                                                                              b.label_at)
    flat = state.flats[state.pieces[0].panel_id]
    assert flat.uv.shape[1] == 2 and len(flat.face_stretch_pct) == len(flat.faces)


def test_a_job_without_a_revision_is_not_ready(tmp_path):
    with pytest.raises(FailedPrecondition):
        load_state(tmp_path)


def test_a_split_reflattens_only_the_split_panel(job_dir):
    state = load_state(job_dir)
    top, bottom = named(state, "seat_cushion_top"), named(state, "seat_cushion_bottom")
    line = np.array([[0.0, -0.2, 0.1], [0.0, 0.2, 0.1]])
    new = apply_edit(state, Split(top, line))
    save_state(job_dir, new, previous=state)
    assert current_revision(job_dir) == 2
    assert new.flats[bottom] is state.flats[bottom]  # untouched: the same flat piece
    assert new.flats[top] is not state.flats[top]
    old_file, new_file = (s.path / "flats" / f"{bottom}.npz" for s in (state, new))
    assert old_file.stat().st_ino == new_file.stat().st_ino  # hard-linked, not rewritten
    reread = load_state(job_dir)
    assert len(reread.panels.panels) == 4 and len(reread.pieces) == 4
    halves = [p for p in reread.panels.panels if p.name == "seat_cushion_top"]
    assert sum(p.area_m2 for p in halves) == pytest.approx(0.075, rel=1e-3)
    # the boxing is re-cut: its edges now meet both halves of the top
    boxing = reread.piece(named(reread, "seat_cushion_boxing"))
    assert {p.id for p in halves} <= set(boxing.edge_neighbour)


def test_a_refused_edit_changes_nothing(job_dir):
    state = load_state(job_dir)
    top, bottom = named(state, "seat_cushion_top"), named(state, "seat_cushion_bottom")
    with pytest.raises(InvalidArgument) as err:
        apply_edit(state, Merge(top, bottom))  # they share no seam
    assert err.value.field == "merge.other_panel_id"
    with pytest.raises(InvalidArgument):
        apply_edit(state, Rename(top, "sofa_lid"))
    assert current_revision(job_dir) == 1
    assert [p.name for p in load_state(job_dir).panels.panels] == \
        [p.name for p in state.panels.panels]


def test_seam_allowance_per_edge_and_reset(job_dir):
    state = load_state(job_dir)
    top, boxing = named(state, "seat_cushion_top"), named(state, "seat_cushion_boxing")
    wide = apply_edit(state, SeamAllowance(top, boxing, False, 1 * INCH, False))
    width = np.ptp(wide.piece(top).cut[:, 0])
    assert width == pytest.approx(0.3 + 2 * INCH, abs=1e-3)
    back = apply_edit(wide, SeamAllowance(top, "", True, 0, True))
    assert np.ptp(back.piece(top).cut[:, 0]) == pytest.approx(0.3 + INCH, abs=1e-3)
    with pytest.raises(InvalidArgument) as err:
        apply_edit(state, SeamAllowance(top, named(state, "seat_cushion_bottom"), False, 0.01,
                                        False))
    assert err.value.field == "seam_allowance.neighbour_panel_id"


def test_pair_and_unpair(job_dir):
    state = load_state(job_dir)
    top, bottom = named(state, "seat_cushion_top"), named(state, "seat_cushion_bottom")
    paired = apply_edit(state, Pair(top, bottom))
    assert paired.panels.get(top).mirror_of == bottom
    unpaired = apply_edit(paired, Pair(bottom, ""))
    assert not any(p.mirror_of for p in unpaired.panels.panels)


def test_a_layout_is_kept_with_its_revision(job_dir):
    state = load_state(job_dir)
    fabric = Fabric(price_per_yard=30)
    made = layout_for(state, fabric, 50.0, 0.2)
    assert made.quote.total == pytest.approx(made.quote.yards * 30 + 50)
    kept = cached_layout(state, Fabric(price_per_yard=99))  # price is not geometry
    assert kept is not None and kept[0].placements == made.layout.placements
    again = layout_for(state, fabric, 0.0, 0.1)  # a shorter search reuses the stored one
    assert again.layout.placements == made.layout.placements
    assert cached_layout(state, Fabric(repeat_v_m=0.5)) is None
