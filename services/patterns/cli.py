"""`stitchsketch patterns MESH --out DIR`: patterns, marker, quote and exports for a mesh."""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path

from appliance.paths import atomic_write, atomic_write_text
from services.errors import StitchError
from services.patterns.export_dxf import dxf_bytes
from services.patterns.export_pdf import marker_pdf_bytes, quote_pdf_bytes, tiled_pdf_bytes
from services.patterns.export_svg import svg_bytes
from services.patterns.fabric import Fabric
from services.patterns.mesh import load_mesh
from services.patterns.pipeline import PatternOptions, layout_and_quote, run_patterns
from services.patterns.serialize import result_to_dict
from services.patterns.units import INCH, UnitSystem, format_length, format_roll_length

log = logging.getLogger(__name__)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("patterns", help="cut patterns, marker and quote for a mesh",
                              description=__doc__)
    p.add_argument("mesh", type=Path, help="mesh in metres, Z up, front facing -y (PLY/OBJ/...)")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument("--fabric-width-in", type=float, default=54.0)
    p.add_argument("--repeat-v-in", type=float, default=0.0, help="vertical pattern repeat")
    p.add_argument("--repeat-h-in", type=float, default=0.0, help="horizontal pattern repeat")
    p.add_argument("--one-way", action="store_true", help="nap / one-way: no 180° turns")
    p.add_argument("--railroad", action="store_true", help="run pieces across the roll")
    p.add_argument("--spacing-in", type=float, default=0.25, help="gap between pieces")
    p.add_argument("--seam-allowance-in", type=float, default=0.5)
    p.add_argument("--price-per-yard", type=float, default=0.0)
    p.add_argument("--labour", type=float, default=0.0)
    p.add_argument("--units", choices=[u.value for u in UnitSystem], default="imperial")
    p.add_argument("--paper", choices=["letter", "a4"], default=None,
                   help="tiled PDF paper (default: letter for imperial, a4 for metric)")
    p.add_argument("--project", default="", help="project name for labels")
    p.add_argument("--use-mesh-panels", action="store_true",
                   help="take panels from the PLY's face panel_id instead of segmenting")
    p.add_argument("--nest-seconds", type=float, default=3.0, help="time budget for nesting")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    logging.getLogger("ezdxf").setLevel(logging.WARNING)  # its INFO lines drown the summary
    units = UnitSystem(args.units)
    paper = args.paper or ("letter" if units is UnitSystem.IMPERIAL else "a4")
    try:
        fabric = Fabric(width_m=args.fabric_width_in * INCH, repeat_v_m=args.repeat_v_in * INCH,
                        repeat_h_m=args.repeat_h_in * INCH, one_way=args.one_way,
                        railroaded=args.railroad, spacing_m=args.spacing_in * INCH,
                        price_per_yard=args.price_per_yard)
        names = _label_names(args.mesh) if args.use_mesh_panels else ()
        opt = PatternOptions(seam_allowance_m=args.seam_allowance_in * INCH,
                             use_mesh_labels=args.use_mesh_panels, label_names=names,
                             project=args.project or args.mesh.stem, units=units)
        t0 = time.monotonic()
        mesh = load_mesh(args.mesh)
        result = run_patterns(mesh, opt)
        layout, quote = layout_and_quote(result, fabric, args.labour, args.nest_seconds)
        elapsed = time.monotonic() - t0
    except StitchError as exc:
        log.error("%s", exc.message)
        return 2
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    pieces = result.pieces
    atomic_write_text(out / "panels.json", json.dumps(
        result_to_dict(result, fabric, layout, quote), indent=1))
    atomic_write(out / "pieces.svg", svg_bytes(pieces))
    atomic_write(out / "pieces.dxf", dxf_bytes(pieces))
    atomic_write(out / "pieces_tiled.pdf", tiled_pdf_bytes(pieces, paper, opt.project))
    atomic_write(out / "marker.pdf", marker_pdf_bytes(pieces, layout, fabric, quote, units,
                                                      paper, opt.project))
    atomic_write(out / "quote.pdf", quote_pdf_bytes(pieces, quote, fabric, units, paper,
                                                    opt.project))
    _summary(result, layout, quote, units, elapsed, out)
    return 0


def _label_names(mesh: Path) -> tuple[str, ...]:
    gt = mesh.parent / "ground_truth.json"
    if gt.is_file():
        return tuple(json.loads(gt.read_text()).get("panel_ids", ()))
    return ()


def _summary(result, layout, quote, units: UnitSystem, elapsed: float, out: Path) -> None:
    print(f"{'panel':<24} {'cut':>3} {'area m2':>8} {'flat m2':>8} {'area %':>7} {'stretch %':>9}")
    for p in result.panels.panels:
        mark = " excluded" if p.excluded else (" FLAG: " + p.suggestion if p.flagged else "")
        print(f"{p.name:<24} {p.count:>3} {p.area_m2:>8.4f} {p.flat_area_m2:>8.4f} "
              f"{p.area_distortion_pct:>7.2f} {p.max_stretch_pct:>9.2f}{mark}")
    for w in layout.warnings:
        print("note:", w)
    print(f"{len(layout.placements)} pieces, roll {format_length(layout.width_m, units)} wide: "
          f"{format_roll_length(layout.length_m, units)} to order, "
          f"utilization {100 * layout.utilization:.1f} %, total {quote.total:.2f} "
          f"({elapsed:.1f} s)")
    print(f"wrote panels.json, pieces.svg, pieces.dxf, pieces_tiled.pdf, marker.pdf, quote.pdf "
          f"to {out}")
