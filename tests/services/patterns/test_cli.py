"""`stitchsketch patterns` end to end on a small mesh."""

from __future__ import annotations

import json

import pytest

from scripts.cli import main
from services.patterns import sample_meshes
from services.patterns.mesh import ply_bytes


@pytest.mark.slow
def test_cli_writes_every_artifact(tmp_path, capsys):
    mesh = tmp_path / "cushion.ply"
    mesh.write_bytes(ply_bytes(sample_meshes.box_cushion(0.3, 0.25, 0.1)))  # boxing fits 54 in
    out = tmp_path / "out"
    rc = main(["patterns", str(mesh), "--out", str(out), "--repeat-v-in", "27",
               "--price-per-yard", "50", "--labour", "100", "--units", "metric",
               "--nest-seconds", "0.3"])
    assert rc == 0
    for name in ("panels.json", "pieces.svg", "pieces.dxf", "pieces_tiled.pdf", "marker.pdf",
                 "quote.pdf"):
        assert (out / name).stat().st_size > 0
    data = json.loads((out / "panels.json").read_text())
    assert {p["name"] for p in data["panels"]} == {"seat_cushion_top", "seat_cushion_bottom",
                                                    "seat_cushion_boxing"}
    assert data["quote"]["total"] == pytest.approx(data["quote"]["yards"] * 50 + 100)
    assert "utilization" in capsys.readouterr().out


def test_cli_bad_mesh_is_a_clear_error(tmp_path):
    assert main(["patterns", str(tmp_path / "missing.ply"), "--out", str(tmp_path)]) == 2
