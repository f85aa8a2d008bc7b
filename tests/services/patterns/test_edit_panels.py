"""Panel edits: split along a drawn line, merge, rename, exclude, pair, count."""

from __future__ import annotations

import numpy as np
import pytest

from services.errors import InvalidArgument, NotFound
from services.patterns import sample_meshes
from services.patterns.edit_panels import (
    count_pieces,
    exclude,
    merge,
    pair,
    rename,
    set_count,
    split_along_line,
)
from services.patterns.name_panels import name_all
from services.patterns.segment_panels import segment


@pytest.fixture()
def cushion():
    ps = segment(sample_meshes.box_cushion(0.6, 0.5, 0.1))
    name_all(ps)
    return ps


def pid(ps, name):
    return next(p.id for p in ps.panels if p.name == name)


def area(ps, panel_id):
    return ps.mesh.face_areas()[ps.faces_of(panel_id)].sum()


def test_split_the_top_along_a_line_across_it(cushion):
    top = pid(cushion, "seat_cushion_top")
    line = np.array([[0.0, -0.3, 0.1], [0.0, 0.3, 0.1]])  # front to back through the middle
    ids = split_along_line(cushion, top, line)
    assert len(ids) == 2
    a, b = area(cushion, ids[0]), area(cushion, ids[1])
    assert a + b == pytest.approx(0.3)
    assert a == pytest.approx(0.15, abs=0.02)
    xs = [cushion.mesh.face_centroids()[cushion.faces_of(i)][:, 0] for i in ids]
    assert (xs[0].max() <= 0.0 + 0.03) != (xs[1].max() <= 0.0 + 0.03)


def test_a_line_that_does_not_cross_the_panel_is_refused(cushion):
    top = pid(cushion, "seat_cushion_top")
    with pytest.raises(InvalidArgument) as err:
        split_along_line(cushion, top, np.array([[0.0, 0.0, 0.1], [0.05, 0.0, 0.1]]))
    assert err.value.field == "split.line"


def test_merge_back_what_was_split(cushion):
    top = pid(cushion, "seat_cushion_top")
    ids = split_along_line(cushion, top, np.array([[0.0, -0.3, 0.1], [0.0, 0.3, 0.1]]))
    merged = merge(cushion, ids[0], ids[1])
    assert area(cushion, merged) == pytest.approx(0.3)
    assert len(cushion.panels) == 3


def test_merge_needs_a_shared_seam():
    ps = segment(sample_meshes.square_arm_chair())
    name_all(ps)
    with pytest.raises(InvalidArgument):
        merge(ps, pid(ps, "arm_front_L"), pid(ps, "arm_front_R"))


def test_rename_only_to_standard_names(cushion):
    top = pid(cushion, "seat_cushion_top")
    rename(cushion, top, "ottoman_top")
    assert cushion.get(top).name == "ottoman_top"
    rename(cushion, top, "inside_arm_L")
    with pytest.raises(InvalidArgument):
        rename(cushion, top, "mystery piece")


def test_exclude_pair_count(cushion):
    top, bottom = pid(cushion, "seat_cushion_top"), pid(cushion, "seat_cushion_bottom")
    assert count_pieces(cushion) == 3
    set_count(cushion, top, 2)
    exclude(cushion, bottom)
    assert count_pieces(cushion) == 3  # top x2 + boxing, bottom left out
    exclude(cushion, bottom, False)
    pair(cushion, top, bottom)
    assert cushion.get(top).mirror_of == bottom and cushion.get(bottom).mirror_of == top
    with pytest.raises(InvalidArgument):
        set_count(cushion, top, 0)
    with pytest.raises(NotFound):
        exclude(cushion, "nope")
