"""Patterns benchmark: segment + flatten + nest a sofa-sized model, nesting vs. the shelf
baseline on 54 in plain fabric, and per-panel area error where ground truth exists.

    .venv/bin/python -m scripts.bench.patterns [MESH_OR_DATASET_DIR]

Without an argument a procedural three-seat sofa (21 pieces) is built. A dataset folder
holds gt_mesh.ply and ground_truth.json. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

import numpy as np

from services.patterns import sample_meshes
from services.patterns.fabric import Fabric
from services.patterns.mesh import load_mesh
from services.patterns.nest_pieces import nest
from services.patterns.pipeline import PatternOptions, run_patterns
from services.patterns.quote import make_quote
from services.patterns.shelf_pack import shelf_pack


def area_errors(result, gt: dict) -> dict[str, float]:
    """Percent error of each upholstered GT panel's area vs our flat piece of that name."""
    ours = {p.name: p for p in result.panels.panels}
    out = {}
    for name, info in gt["panels"].items():
        if not info.get("upholstered"):
            continue
        p = ours.get(name)
        out[name] = (
            100.0 if p is None else 100 * abs(p.flat_area_m2 - info["area_m2"]) / info["area_m2"]
        )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("target", nargs="?", type=Path, help="mesh file or dataset folder")
    ap.add_argument("--nest-seconds", type=float, default=3.0)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    gt = None
    if args.target is None:
        print("building a procedural three-seat sofa (2.0 x 0.9 x 0.85 m)")
        mesh = sample_meshes.sofa()
    else:
        path = args.target
        if path.is_dir():
            if (path / "ground_truth.json").is_file():
                gt = json.loads((path / "ground_truth.json").read_text())
            path = path / "gt_mesh.ply"
        print(f"loading {path}")
        mesh = load_mesh(path)
    print(f"{len(mesh.vertices)} vertices, {len(mesh.faces)} triangles")
    fabric = Fabric()  # 54 in, plain, two-way, 1/4 in spacing
    t0 = time.perf_counter()
    result = run_patterns(mesh, PatternOptions())
    t1 = time.perf_counter()
    layout = nest(result.pieces, fabric, args.nest_seconds)
    t2 = time.perf_counter()
    base = shelf_pack(result.pieces, fabric)
    quote = make_quote(layout, fabric)
    print(f"segment + flatten + cut: {t1 - t0:.2f} s; nest: {t2 - t1:.2f} s")
    for p in result.panels.panels:
        print(
            f"  {p.name:<24} {p.area_m2:7.4f} m2 flat {p.flat_area_m2:7.4f} "
            f"stretch {p.max_stretch_pct:5.2f}%{' excluded' if p.excluded else ''}"
        )
    for w in layout.warnings:
        print("  note:", w)
    print(
        f"nest: {layout.length_m:.3f} m, utilization {100 * layout.utilization:.1f} %; "
        f"shelf baseline: {base.length_m:.3f} m, {100 * base.utilization:.1f} %"
    )
    out = {
        "seconds": round(t2 - t0, 3),
        "pieces": len(layout.placements),
        "utilization": round(layout.utilization, 4),
        "baseline_utilization": round(base.utilization, 4),
        "yards": quote.yards,
    }
    if gt is not None:
        errs = area_errors(result, gt)
        worst = max(errs, key=errs.get)
        print(
            f"per-panel area error: max {errs[worst]:.3f} % ({worst}), "
            f"mean {np.mean(list(errs.values())):.3f} %"
        )
        out["max_panel_area_err_pct"] = round(errs[worst], 4)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
