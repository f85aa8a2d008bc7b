"""Ground truth equals the geometry that was rendered: dimensions, panel areas, mesh."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from scripts.sample_data import ShootInfo
from scripts.sample_data.groundtruth import build_mesh
from scripts.sample_data.scenes import build_scene


def read_ply(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vertices, faces and panel ids of our binary PLY layout."""
    data = path.read_bytes()
    end = data.index(b"end_header\n") + len(b"end_header\n")
    header = data[:end].decode("ascii").splitlines()
    assert header[1] == "format binary_little_endian 1.0"
    nv = int(next(h for h in header if h.startswith("element vertex")).split()[-1])
    nf = int(next(h for h in header if h.startswith("element face")).split()[-1])
    verts = np.frombuffer(data, "<f4", nv * 3, end).reshape(nv, 3)
    rec = np.frombuffer(data, [("n", "u1"), ("v", "<i4", (3,)), ("panel", "<i4")], nf,
                        end + nv * 12)
    assert (rec["n"] == 3).all()
    return verts, rec["v"], rec["panel"]


def _areas(verts: np.ndarray, faces: np.ndarray) -> np.ndarray:
    a, b, c = (verts[faces[:, i]].astype(np.float64) for i in range(3))
    return 0.5 * np.linalg.norm(np.cross(b - a, c - a), axis=1)


#: Panel areas worked out by hand from the box sizes in scenes.py.
EXPECTED = {
    "ottoman": {"dims": (0.60, 0.45, 0.45), "top": 0.60 * 0.45, "front": 0.60 * 0.40,
                "side_L": 0.45 * 0.40, "plinth": 2 * (0.56 + 0.41) * 0.05},
    "chair": {"dims": (0.80, 0.80, 0.80), "outside_arm_L": 0.62 * 0.57,
              "inside_arm_R": 0.62 * (0.62 - 0.33),  # above the seat base, behind cushion too
              "inside_back": 0.80 * 0.75 - 2 * 0.12 * 0.57 - 0.56 * 0.28,
              "seat_cushion_boxing": 2 * (0.56 + 0.62) * 0.12, "deck": 0.56 * 0.62,
              "dust_cover": 0.80 * 0.80},
}


@pytest.mark.parametrize("shoot", ["ottoman_shoot", "chair_shoot"])
def test_dimensions_and_panel_areas_equal_the_boxes(shoot: str,
                                                    request: pytest.FixtureRequest) -> None:
    info: ShootInfo = request.getfixturevalue(shoot)
    gt = json.loads(info.ground_truth_json.read_text())
    expected = EXPECTED[info.scene]
    scene = build_scene(info.scene)
    lo, hi = scene.bbox
    dims = gt["dimensions"]
    assert (dims["width_m"], dims["depth_m"], dims["height_m"]) == pytest.approx(
        expected["dims"], abs=1e-9)
    assert tuple(np.subtract(hi, lo)) == pytest.approx(expected["dims"], abs=1e-9)
    assert info.dimensions_m == pytest.approx(expected["dims"], abs=1e-9)
    for name, area in expected.items():
        if name != "dims":
            assert gt["panels"][name]["area_m2"] == pytest.approx(area, abs=1e-6), name

    verts, faces, panel = read_ply(info.mesh_ply)
    areas = _areas(verts, faces)
    assert np.ptp(verts, axis=0) == pytest.approx(expected["dims"], abs=1e-6)
    assert gt["panel_ids"] == list(gt["panels"])
    for name, p in gt["panels"].items():
        sel = panel == p["panel_id"]
        assert sel.sum() == p["triangles"]
        assert areas[sel].sum() == pytest.approx(p["area_m2"], abs=1e-5), name
        if p["file"]:  # the per-panel mesh is the same triangles
            pv, pf, _ = read_ply(info.out_dir / p["file"])
            assert _areas(pv, pf).sum() == pytest.approx(p["area_m2"], abs=1e-5)
    upholstered = sum(p["area_m2"] for p in gt["panels"].values() if p["upholstered"])
    assert gt["total_upholstered_area_m2"] == pytest.approx(upholstered, abs=1e-5)


@pytest.mark.parametrize("scene", ["ottoman", "chair"])
def test_mesh_is_conforming_and_faces_outward(scene: str) -> None:
    mesh = build_mesh(build_scene(scene))
    edges = np.sort(np.concatenate([mesh.faces[:, [0, 1]], mesh.faces[:, [1, 2]],
                                    mesh.faces[:, [2, 0]]]), axis=1)
    unique, counts = np.unique(edges, axis=0, return_counts=True)
    assert counts.max() == 2  # no T-junction seams, no fins
    # The only open edges are the plinth's rims (it is open between body and floor).
    rims = mesh.vertices[unique[counts == 1]][..., 2]
    assert len(rims) > 0 and np.isin(np.round(rims, 9), [0.0, 0.05]).all()
    # Outward: each triangle's normal points away from the centre of the box it lies on.
    v = mesh.vertices[mesh.faces]
    normals = np.cross(v[:, 1] - v[:, 0], v[:, 2] - v[:, 0])
    boxes = build_scene(scene).boxes
    centres = np.array([(np.array(b.lo) + np.array(b.hi)) / 2 for b in boxes])
    box_of = (mesh.surface - 7) // 6
    outward = np.einsum("ij,ij->i", normals, mesh.centroids() - centres[box_of])
    assert (outward > 0).all()


def test_visibility_figures_make_sense(chair_shoot: ShootInfo) -> None:
    gt = json.loads(chair_shoot.ground_truth_json.read_text())
    seen = {n: p["fraction_seen_by_2plus_images"] for n, p in gt["panels"].items()}
    assert seen["seat_cushion_top"] == 1.0 and seen["outside_back"] > 0.9
    assert seen["deck"] == 0.0 and seen["seat_cushion_bottom"] == 0.0
    assert seen["dust_cover"] == 0.0
    # The strip of inside arm behind the cushion's boxing is hidden: 0.12 of 0.29 m.
    assert seen["inside_arm_L"] <= 1 - 0.12 / 0.29 + 1e-6
