"""A finished model: its figures, its files, and the corrections a user can make."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from appliance.paths import atomic_write_text
from services.errors import FailedPrecondition, InvalidArgument, NotFound
from services.reconstruction import export, fuse, isolate, pipeline
from services.reconstruction.options import CropBox, ReconstructionOptions
from services.reconstruction.scale_orient import SCENE_DIR
from services.reconstruction.stage import read_marker, write_marker

CONTENT_TYPES = {
    ".glb": "model/gltf-binary",
    ".ply": "application/octet-stream",
    ".obj": "text/plain",
    ".pdf": "application/pdf",
}


def load_summary(run_dir: Path) -> dict[str, Any]:
    """model.json of a finished run."""
    path = Path(run_dir) / export.MODEL_DIR / export.SUMMARY
    if read_marker(Path(run_dir), export.NAME) is None or not path.exists():
        raise FailedPrecondition("the model is not finished yet")
    return json.loads(path.read_text())


def model_file(run_dir: Path, name: str) -> Path:
    """Path of one of the model's files, checked against the list it publishes."""
    summary = load_summary(run_dir)
    if name not in summary["files"]:
        raise NotFound(f"no file {name!r}; the model has {', '.join(summary['files'])}")
    return Path(run_dir) / export.MODEL_DIR / name


def apply_known_length(run_dir: Path, a: tuple[float, float, float],
                       b: tuple[float, float, float], length_m: float) -> dict[str, Any]:
    """Scale the model so that the distance between points `a` and `b` (picked on the
    model as it is now) is `length_m`; re-exports, and returns the new summary."""
    run_dir = Path(run_dir)
    if not (math.isfinite(length_m) and length_m > 0):
        raise InvalidArgument("the known length must be a positive number of metres",
                              field="length_m")
    current = np.linalg.norm(np.subtract(a, b))
    if not math.isfinite(current) or current < 1e-6:
        raise InvalidArgument("pick two different points on the model", field="b")
    load_summary(run_dir)  # the model must exist
    path = run_dir / SCENE_DIR / export.KNOWN_LENGTH
    old = json.loads(path.read_text()) if path.exists() else {"factor": 1.0}
    factor = float(old["factor"]) * length_m / float(current)
    if not 1e-4 < factor < 1e4:
        raise InvalidArgument("that length implies an implausible scale", field="length_m")
    atomic_write_text(path, json.dumps({"factor": factor, "length_m": length_m,
                                        "a": list(a), "b": list(b), "residual": 0.0}))
    pipeline.invalidate(run_dir, export.NAME)
    pipeline.run(run_dir)
    return load_summary(run_dir)


def set_crop_box(run_dir: Path, box: CropBox) -> ReconstructionOptions:
    """Store a crop box (in the model's current coordinates) in the run's options, and
    forget the stages it changes: a box inside the one depth was computed for only
    re-fuses and re-meshes (seconds); a larger one re-runs dense matching (minutes)."""
    run_dir = Path(run_dir)
    stored = json.loads((run_dir / pipeline.RUN_FILE).read_text())
    opts = ReconstructionOptions.from_json(stored["options"])
    known = export.user_scale(run_dir)
    f = float(known["factor"]) if known else 1.0
    internal = CropBox(tuple(x / f for x in box.min), tuple(x / f for x in box.max))
    new = dataclasses.replace(opts, crop_box=internal)
    region_done = read_marker(run_dir, isolate.NAME) is not None
    region = isolate.load_region(run_dir) if region_done else None
    if region is not None and np.all(np.array(internal.min) >= region["box_min"]) \
            and np.all(np.array(internal.max) <= region["box_max"]):
        pipeline.invalidate(run_dir, fuse.NAME)
        summary = isolate.write_region(run_dir, isolate.crop_region(internal))
        write_marker(run_dir, isolate.NAME, summary, 0.0)
    else:
        pipeline.invalidate(run_dir, isolate.NAME)
    stored["options"] = new.to_json()
    atomic_write_text(run_dir / pipeline.RUN_FILE, json.dumps(stored, indent=1))
    return new
