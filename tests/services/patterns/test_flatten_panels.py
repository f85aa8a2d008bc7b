"""Flattening against analytic answers: rectangles, a strip, a cylinder, a dome."""

from __future__ import annotations

import numpy as np
import pytest
from shapely import MultiPoint, Polygon

from services.patterns import sample_meshes
from services.patterns.flatten_panels import flatten_panel
from services.patterns.pipeline import PatternOptions, run_patterns
from services.patterns.segment_panels import segment


def by_name(result, name):
    pid = next(p.id for p in result.panels.panels if p.name == name)
    return result.flats[pid]


@pytest.mark.parametrize("name", ["seat_cushion_top", "seat_cushion_bottom"])
def test_cushion_top_and_bottom_are_exact_rectangles(cushion_result, name):
    fp = by_name(cushion_result, name)
    outline = Polygon(fp.outline_xy())
    assert outline.area == pytest.approx(0.3, rel=1e-6)
    w, h = np.ptp(fp.outline_xy(), axis=0)
    # upright: across 0.6 m, front to back (the grain on a seat) 0.5 m
    assert (w, h) == (pytest.approx(0.6, abs=1e-6), pytest.approx(0.5, abs=1e-6))
    assert outline.minimum_rotated_rectangle.area == pytest.approx(outline.area, rel=1e-6)
    assert fp.max_stretch_pct < 0.01 and not fp.flagged


def test_boxing_strip_length_is_the_perimeter(cushion_result):
    fp = by_name(cushion_result, "seat_cushion_boxing")
    w, h = np.ptp(fp.outline_xy(), axis=0)
    assert w == pytest.approx(2 * (0.6 + 0.5), rel=1e-4)
    assert h == pytest.approx(0.1, rel=1e-4)
    assert Polygon(fp.outline_xy()).area == pytest.approx(0.22, rel=1e-4)


def test_cylinder_bolster_flattens_to_circumference_by_length():
    r, length = 0.1, 0.5
    mesh = sample_meshes.cylinder(r, length, segments=128)
    ps = segment(mesh)
    body = max(range(len(ps.panels)), key=lambda i: (ps.face_panel == i).sum())
    fp = flatten_panel(mesh, np.flatnonzero(ps.face_panel == body))
    rect = MultiPoint(fp.uv).minimum_rotated_rectangle
    x, y = rect.exterior.coords.xy
    sides = sorted([np.hypot(x[1] - x[0], y[1] - y[0]), np.hypot(x[2] - x[1], y[2] - y[1])])
    assert sides[1] == pytest.approx(2 * np.pi * r, rel=0.005)
    assert sides[0] == pytest.approx(length, rel=0.005)
    assert abs(fp.area_distortion_pct) < 0.5 and not fp.flagged


def test_dome_is_flagged_with_a_seam_suggestion():
    mesh = sample_meshes.dome(0.3, 75)
    fp = flatten_panel(mesh, np.arange(len(mesh.faces)))
    assert fp.flagged
    assert fp.max_stretch_pct > 5.0
    assert "seam" in fp.suggestion or "dart" in fp.suggestion
    # a shallow cap is developable enough to pass
    shallow = sample_meshes.dome(1.0, 8)
    assert not flatten_panel(shallow, np.arange(len(shallow.faces))).flagged


def test_segmentation_seams_a_dome_until_it_lies_flat():
    result = run_patterns(sample_meshes.dome(0.3, 60), PatternOptions())
    assert len(result.panels.panels) >= 2
    total = sum(fp.area_m2 for fp in result.flats.values())
    assert total == pytest.approx(sample_meshes.dome(0.3, 60).face_areas().sum())
    worst_before = flatten_panel(sample_meshes.dome(0.3, 60),
                                 np.arange(len(sample_meshes.dome(0.3, 60).faces))).max_stretch_pct
    assert max(fp.max_stretch_pct for fp in result.flats.values()) < worst_before / 2


def test_grain_runs_with_the_furniture_up(chair_result):
    fp = by_name(chair_result, "outside_back")  # a flat rectangle 0.85 wide, 0.75 tall
    w, h = np.ptp(fp.outline_xy(), axis=0)
    assert w == pytest.approx(0.85, abs=1e-6)
    assert h == pytest.approx(0.8 - 0.1 - 0.05, abs=1e-6)
