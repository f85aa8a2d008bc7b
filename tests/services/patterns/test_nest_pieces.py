"""Nesting: no overlaps, inside the roll, fabric rules kept, repeats priced as predicted."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from shapely import Polygon

from services.errors import InvalidArgument
from services.patterns.cut_pieces import CutPiece
from services.patterns.fabric import Fabric
from services.patterns.nest_pieces import nest, placed_polygons
from services.patterns.quote import make_quote
from services.patterns.shelf_pack import shelf_pack
from services.patterns.units import INCH, YARD, round_up_yards


def rect_piece(name, w, h, count=1):
    r = np.array([[0, 0], [w, 0], [w, h], [0, h]], float)
    return CutPiece(name, name, count, r, r)


def check_valid(pieces, layout, fabric):
    polys = [Polygon(p) for _, _, p in placed_polygons(pieces, layout)]
    assert len(polys) == sum(p.count for p in pieces)
    for p in polys:
        x0, y0, x1, y1 = p.bounds
        assert y0 >= -1e-6 and y1 <= fabric.width_m + 1e-6 and x0 >= -1e-6
        assert x1 <= layout.length_m + 1e-6
    for a, b in itertools.combinations(polys, 2):
        assert a.distance(b) >= fabric.spacing_m - 1e-4


def test_chair_pieces_do_not_overlap_and_beat_the_shelf_baseline(chair_result):
    fabric = Fabric()
    lay = nest(chair_result.pieces, fabric, time_budget_s=1.0)
    check_valid(chair_result.pieces, lay, fabric)
    base = shelf_pack(chair_result.pieces, fabric)
    assert lay.utilization > base.utilization
    assert lay.utilization > 0.75


def test_identical_rectangles_tile_the_roll():
    fabric = Fabric(width_m=1.0, spacing_m=0.0)
    pieces = [rect_piece("a", 0.5, 0.4, count=6)]  # x across, y along the grain
    lay = nest(pieces, fabric, time_budget_s=0.2)
    check_valid(pieces, lay, fabric)
    assert lay.length_m == pytest.approx(1.2, abs=1e-6)
    assert lay.utilization == pytest.approx(1.0, abs=1e-6)


def test_l_shapes_interlock_better_than_their_boxes():
    fabric = Fabric(width_m=0.6, spacing_m=0.0)
    ell = np.array([[0, 0], [0.6, 0], [0.6, 0.2], [0.2, 0.2], [0.2, 0.5], [0, 0.5]], float)
    pieces = [CutPiece("l", "l", 4, ell, ell)]
    lay = nest(pieces, fabric, time_budget_s=0.5)
    check_valid(pieces, lay, fabric)
    assert lay.length_m < shelf_pack(pieces, fabric).length_m - 0.1


@pytest.mark.parametrize("n", [2, 3, 5])
def test_27_inch_repeat_yardage_follows_the_repeat(n):
    rep, w, h = 27 * INCH, 30 * INCH, 20 * INCH  # one 30 in-wide piece per row on 54 in
    pieces = [rect_piece("cushion_top", w, h, count=n)]
    plain = Fabric(spacing_m=0.25 * INCH, price_per_yard=50)
    patterned = Fabric(spacing_m=0.25 * INCH, repeat_v_m=rep, price_per_yard=50)
    lp = nest(pieces, plain, time_budget_s=0.2)
    lr = nest(pieces, patterned, time_budget_s=0.2)
    assert lp.length_m == pytest.approx(n * h + (n - 1) * 0.25 * INCH, abs=1e-6)
    assert lr.length_m == pytest.approx((n - 1) * rep + h, abs=1e-6)
    q = make_quote(lr, patterned, labour=100)
    assert q.yards == pytest.approx(np.ceil(((n - 1) * rep + h) / YARD * 8 - 1e-9) / 8)
    assert q.total == pytest.approx(q.yards * 50 + 100)
    # every motif centre sits on the same phase of the repeat
    centres = sorted(pl.x_m + (-1 if pl.rotation_deg == 90 else 1) * 0 for pl in lr.placements)
    anchors = [p[:, 0].mean() for _, _, p in placed_polygons(pieces, lr)]
    phases = {round(((a - anchors[0]) / rep) % 1.0, 6) % 1.0 for a in anchors}
    assert phases <= {0.0, 1.0} and len(centres) == n


def test_long_pieces_use_two_repeats():
    rep, h = 27 * INCH, 30 * INCH
    pieces = [rect_piece("back", 40 * INCH, h, count=3)]
    lay = nest(pieces, Fabric(repeat_v_m=rep), time_budget_s=0.2)
    assert lay.length_m == pytest.approx(2 * 2 * rep + h, abs=1e-6)


def test_one_way_fabric_never_turns_pieces():
    fabric = Fabric(one_way=True)
    pieces = [rect_piece("a", 0.5, 0.3, 3), rect_piece("b", 0.3, 0.6, 2)]
    lay = nest(pieces, fabric, time_budget_s=0.2)
    assert {pl.rotation_deg for pl in lay.placements} == {-90.0}
    two_way = nest(pieces, Fabric(), time_budget_s=0.2)
    assert {pl.rotation_deg for pl in two_way.placements} <= {-90.0, 90.0}


def test_railroaded_pieces_run_across_the_roll():
    pieces = [rect_piece("back", 2.0, 0.7)]
    lay = nest(pieces, Fabric(railroaded=True), time_budget_s=0.2)
    assert lay.placements[0].rotation_deg in (0.0, 180.0)
    assert lay.length_m == pytest.approx(2.0, abs=1e-6)


def test_too_wide_for_patterned_fabric_is_an_error_naming_the_field():
    with pytest.raises(InvalidArgument) as err:
        nest([rect_piece("back", 2.0, 0.7)], Fabric(repeat_v_m=0.5), time_budget_s=0.1)
    assert err.value.field == "fabric.width_m"


def test_plain_fabric_railroads_a_piece_wider_than_the_roll_and_says_so():
    lay = nest([rect_piece("back", 2.0, 0.7)], Fabric(), time_budget_s=0.1)
    assert lay.warnings and lay.placements[0].rotation_deg in (0.0, 180.0)


def test_yards_round_up_to_an_eighth():
    assert round_up_yards(YARD) == 1.0
    assert round_up_yards(YARD * 1.01) == 1.125
    assert round_up_yards(YARD * 2.125) == 2.125
