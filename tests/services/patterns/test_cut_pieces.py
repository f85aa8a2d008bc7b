"""Seam allowance, notches and grain lines."""

from __future__ import annotations

import numpy as np
import pytest
from shapely import LineString, Point, Polygon

from services.patterns.cut_pieces import CutOptions, make_cut_piece
from services.patterns.units import INCH


def piece(result, name):
    return next(p for p in result.pieces if p.name == name)


def test_half_inch_allowance_on_a_rectangle(cushion_result):
    top = piece(cushion_result, "seat_cushion_top")
    a = 0.5 * INCH
    assert Polygon(top.cut).area == pytest.approx((0.6 + 2 * a) * (0.5 + 2 * a), rel=1e-6)
    assert Polygon(top.cut).contains(Polygon(top.sew))


def test_per_edge_override(cushion_result):
    ps = cushion_result.panels
    top_id = next(p.id for p in ps.panels if p.name == "seat_cushion_top")
    boxing_id = next(p.id for p in ps.panels if p.name == "seat_cushion_boxing")
    ps.get(top_id).seam_allowance_m = {boxing_id: 0.02}
    try:
        cp = make_cut_piece(ps, cushion_result.flats[top_id], CutOptions())
    finally:
        ps.get(top_id).seam_allowance_m = {}
    assert Polygon(cp.cut).area == pytest.approx((0.6 + 0.04) * (0.5 + 0.04), rel=1e-6)


def _seam_run(pc, other_id):
    """The sewing-line polyline along the seam with `other_id`, in outline order."""
    n = len(pc.sew)
    on = [e == other_id for e in pc.edge_neighbour]
    start = next(i for i in range(n) if on[i] and not on[i - 1])
    idx = [start]
    while on[idx[-1] % n] and len(idx) <= n:
        idx.append(idx[-1] + 1)
    return LineString([pc.sew[i % n] for i in idx])


@pytest.mark.parametrize(("a", "b"), [("arm_front_R", "inside_arm_R"),
                                      ("outside_back", "back_side_L"), ("deck", "front_border")])
def test_notches_match_on_both_sides_of_a_seam(chair_result, a, b):
    ids = {p.name: p.id for p in chair_result.panels.panels}
    pa, pb = piece(chair_result, a), piece(chair_result, b)
    ra, rb = _seam_run(pa, ids[b]), _seam_run(pb, ids[a])
    assert ra.length == pytest.approx(rb.length, rel=1e-3)

    def positions(pc, run):
        out = []
        for _, inner in pc.notches:
            if run.distance(Point(inner)) < 0.5 * INCH:
                out.append(run.project(Point(inner)))
        return np.sort(out)

    sa, sb = positions(pa, ra), positions(pb, rb)
    assert len(sa) == len(sb) >= 1
    # the two pieces run along the seam in opposite directions
    assert np.allclose(sa, np.sort(rb.length - sb), atol=2e-3)


def test_notches_land_on_the_cutting_line(chair_result):
    for pc in chair_result.pieces:
        cut = Polygon(pc.cut).exterior
        for a, b in pc.notches:
            assert cut.distance(Point(a)) < 1e-4
            assert Polygon(pc.cut).buffer(1e-6).contains(Point(b))


def test_grain_line_is_vertical_and_inside(chair_result):
    for pc in chair_result.pieces:
        g0, g1 = pc.grain
        assert g0[0] == pytest.approx(g1[0]) and g1[1] > g0[1]
        assert Polygon(pc.sew).buffer(1e-6).contains(Point(pc.label_at))


def test_labels_name_piece_project_count_and_side(chair_result):
    pc = piece(chair_result, "inside_arm_R")
    assert pc.label[0] == "inside_arm_R" and "chair" in pc.label
    assert any("mirror of inside_arm_L" in line for line in pc.label)
    assert pc.mirrored and not piece(chair_result, "inside_arm_L").mirrored
