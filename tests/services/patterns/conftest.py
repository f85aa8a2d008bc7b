"""Shared inputs: small procedural furniture whose patterns are known exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.patterns import sample_meshes
from services.patterns.pipeline import PatternOptions, PatternResult, run_patterns

DATASETS = Path(__file__).resolve().parents[4] / "shared" / "datasets"


def gt_datasets() -> list[Path]:
    """Rendered furniture with ground truth, when ../shared is there."""
    if not DATASETS.is_dir():
        return []
    return sorted(p for p in DATASETS.iterdir()
                  if (p / "ground_truth.json").is_file() and (p / "gt_mesh.ply").is_file())


@pytest.fixture(scope="session")
def cushion_result() -> PatternResult:
    return run_patterns(sample_meshes.box_cushion(0.6, 0.5, 0.1), PatternOptions(project="t"))


@pytest.fixture(scope="session")
def chair_result() -> PatternResult:
    return run_patterns(sample_meshes.rolled_arm_chair(), PatternOptions(project="chair"))
