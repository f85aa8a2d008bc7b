"""Synthetic photo sets the project makes itself: tests and the demo never need ../shared.

- `from scripts.sample_data.render_shoot import render_shoot`: a furniture shoot (ottoman
  or chair on a printed ArUco mat) rendered by exact ray casting, with cameras.json,
  ground_truth.json and gt_mesh.ply in the format of ../shared/datasets/armchair. (The
  function shares its module's name, so `scripts.sample_data.render_shoot` is the module.)
- `sample_jpegs`: many distinct 12-megapixel photo-like JPEGs for ingest tests/benchmarks.
- `demo_photos`: the demo project's photos.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scripts.sample_data.photos import demo_photos as demo_photos
    from scripts.sample_data.photos import sample_jpegs as sample_jpegs
    from scripts.sample_data.render_shoot import ShootInfo as ShootInfo
    from scripts.sample_data.scenes import SCENES as SCENES

# Imported on first use (PEP 562), so `python -m scripts.sample_data.render_shoot` does not
# find its own module already imported by this package.
_EXPORTS = {
    "SCENES": "scripts.sample_data.scenes",
    "ShootInfo": "scripts.sample_data.render_shoot",
    "demo_photos": "scripts.sample_data.photos",
    "sample_jpegs": "scripts.sample_data.photos",
}

__all__ = ["SCENES", "ShootInfo", "demo_photos", "sample_jpegs"]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
