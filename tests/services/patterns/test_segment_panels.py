"""Segmentation, naming and mirror detection on shapes with known panels."""

from __future__ import annotations

import json

import numpy as np
import pytest

from services.patterns import sample_meshes
from services.patterns.mesh import load_mesh
from services.patterns.name_panels import detect_mirrors, name_all
from services.patterns.segment_panels import segment
from tests.services.patterns.conftest import gt_datasets


def names(ps):
    return sorted(p.name for p in ps.panels)


def test_box_cushion_is_top_bottom_and_one_boxing_band():
    ps = segment(sample_meshes.box_cushion(0.6, 0.5, 0.1))
    name_all(ps)
    assert names(ps) == ["seat_cushion_bottom", "seat_cushion_boxing", "seat_cushion_top"]
    areas = {p.name: ps.mesh.face_areas()[ps.faces_of(p.id)].sum() for p in ps.panels}
    assert areas["seat_cushion_boxing"] == pytest.approx(2 * (0.6 + 0.5) * 0.1)


def test_bolster_is_body_and_two_ends():
    ps = segment(sample_meshes.cylinder(0.1, 0.5))
    areas = sorted(ps.mesh.face_areas()[ps.faces_of(p.id)].sum() for p in ps.panels)
    assert len(areas) == 3
    assert areas[-1] == pytest.approx(2 * np.pi * 0.1 * 0.5, rel=2e-3)


def test_rolled_arm_chair_panels_and_names():
    ps = segment(sample_meshes.rolled_arm_chair())
    name_all(ps)
    expected = {"inside_arm_L", "inside_arm_R", "outside_arm_L", "outside_arm_R", "arm_front_L",
                "arm_front_R", "inside_back", "outside_back", "back_side_L", "back_side_R",
                "deck", "front_border", "seat_cushion_top", "seat_cushion_bottom",
                "seat_cushion_boxing"}
    assert set(names(ps)) == expected
    # the roll goes with the inside arm: the outside arm is the flat face only
    outside = ps.get(next(p.id for p in ps.panels if p.name == "outside_arm_R"))
    v = ps.mesh.vertices[np.unique(ps.mesh.faces[ps.faces_of(outside.id)])]
    assert np.ptp(v[:, 0]) < 1e-9


@pytest.mark.parametrize("build", [sample_meshes.square_arm_chair, sample_meshes.rolled_arm_chair])
def test_mirrored_arms_are_detected_as_pairs(build):
    ps = segment(build())
    name_all(ps)
    pairs = detect_mirrors(ps)
    named = {tuple(sorted((ps.get(a).name, ps.get(b).name))) for a, b in pairs}
    assert ("inside_arm_L", "inside_arm_R") in named
    assert ("arm_front_L", "arm_front_R") in named
    for a, b in pairs:
        assert ps.get(a).mirror_of == b and ps.get(b).mirror_of == a
        assert ps.get(a).name.replace("_L", "_R") == ps.get(b).name.replace("_L", "_R")


def test_an_asymmetric_twin_is_not_a_pair():
    mesh = sample_meshes.square_arm_chair()
    v = mesh.vertices.copy()
    v[v[:, 0] > 0.4, 0] += 0.03  # widen the right arm by 3 cm
    mesh.vertices = v
    ps = segment(mesh)
    name_all(ps)
    pairs = {tuple(sorted((ps.get(a).name, ps.get(b).name))) for a, b in detect_mirrors(ps)}
    assert ("arm_front_L", "arm_front_R") not in pairs


@pytest.mark.slow
@pytest.mark.parametrize("dataset", gt_datasets() or [None], ids=lambda p: p.name if p else "none")
def test_segmentation_matches_ground_truth_panels(dataset):
    if dataset is None:
        pytest.skip("no ../shared/datasets with ground truth")
    gt = json.loads((dataset / "ground_truth.json").read_text())
    mesh = load_mesh(dataset / "gt_mesh.ply")
    ps = segment(mesh)
    name_all(ps)
    areas = mesh.face_areas()
    for name, info in gt["panels"].items():
        if not info.get("upholstered"):
            continue
        sel = mesh.face_labels == info["panel_id"]
        ours = np.bincount(ps.face_panel[sel], weights=areas[sel]).argmax()
        overlap = areas[sel & (ps.face_panel == ours)].sum()
        union = areas[sel | (ps.face_panel == ours)].sum()
        assert overlap / union > 0.99, name
        assert ps.panels[ours].name == name
