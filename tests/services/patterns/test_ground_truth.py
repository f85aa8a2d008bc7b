"""Patterns on rendered furniture with ground truth (skipped without ../shared/datasets)."""

from __future__ import annotations

import json

import pytest

from services.patterns.mesh import load_mesh
from services.patterns.pipeline import PatternOptions, run_patterns
from tests.services.patterns.conftest import gt_datasets


@pytest.mark.slow
@pytest.mark.parametrize("dataset", gt_datasets() or [None], ids=lambda p: p.name if p else "none")
def test_per_panel_area_error_under_one_percent(dataset):
    if dataset is None:
        pytest.skip("no ../shared/datasets with ground truth")
    gt = json.loads((dataset / "ground_truth.json").read_text())
    result = run_patterns(load_mesh(dataset / "gt_mesh.ply"), PatternOptions())
    ours = {p.name: p for p in result.panels.panels}
    for name, info in gt["panels"].items():
        if not info.get("upholstered"):
            continue
        assert name in ours, f"no panel named {name}"
        err = abs(ours[name].flat_area_m2 - info["area_m2"]) / info["area_m2"]
        assert err < 0.01, f"{name}: {100 * err:.2f} %"
