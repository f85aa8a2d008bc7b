"""`stitchsketch reconstruct` and `stitchsketch calibration-mat`: thin adapters over the
pipeline and the mat, for a terminal. Ctrl-C cancels; running the same command again
resumes from the last finished stage."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
import time
from pathlib import Path

from services.errors import Cancelled, StitchError
from services.reconstruction import calibration_mat, pipeline
from services.reconstruction.calibration_mat import MatLayout
from services.reconstruction.options import CropBox, Quality, ReconstructionOptions

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".heic", ".heif", ".webp"}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("reconstruct", help="photos → measured, textured 3D model",
                              description=__doc__)
    p.add_argument("photos", nargs="+", type=Path, help="photo files or folders of photos")
    p.add_argument("--out", required=True, type=Path, help="run folder (created; resumable)")
    p.add_argument("--max-size", type=int, default=0,
                   help="longest image side used for matching, px (0: from --quality)")
    p.add_argument("--quality", choices=[q.value for q in Quality], default="normal")
    p.add_argument("--mat-layout", type=Path,
                   help="marker layout JSON (or a rendered shoot's ground_truth.json) "
                        "when not using the printed StitchSketch mat")
    p.add_argument("--crop-box", type=float, nargs=6,
                   metavar=("XMIN", "YMIN", "ZMIN", "XMAX", "YMAX", "ZMAX"),
                   help="keep only this box (metres) instead of finding the piece")
    p.add_argument("--stop-after", choices=pipeline.STAGE_NAMES, help="stop after a stage")
    p.set_defaults(func=run_reconstruct)
    m = subparsers.add_parser("calibration-mat", help="write the printable calibration mat")
    m.add_argument("--paper", choices=sorted(calibration_mat.PAPER_MM), default="a4")
    m.add_argument("--out", type=Path, default=Path("calibration-mat.pdf"))
    m.set_defaults(func=run_calibration_mat)


def collect_photos(paths: list[Path]) -> list[Path]:
    photos: list[Path] = []
    for p in paths:
        if p.is_dir():
            photos += sorted(q for q in p.iterdir() if q.suffix.lower() in IMAGE_SUFFIXES)
        elif p.is_file():
            photos.append(p)
        else:
            raise StitchError(f"no such photo or folder: {p}")
    return photos


def _layout_json(path: Path | None) -> str | None:
    if path is None:
        return None
    data = json.loads(path.read_text())
    if "markers" in data and "boards" not in data:
        return MatLayout.from_ground_truth(data).to_json()
    return MatLayout.from_json(json.dumps(data)).to_json()


def run_reconstruct(args: argparse.Namespace) -> int:
    stop = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set())
    box = args.crop_box
    try:
        options = ReconstructionOptions(
            quality=Quality(args.quality), max_image_size=args.max_size,
            mat_layout_json=_layout_json(args.mat_layout),
            crop_box=CropBox(tuple(box[:3]), tuple(box[3:])) if box else None)
        photos = collect_photos(args.photos)
        last = [0.0, ""]

        def show(p: pipeline.Progress) -> None:
            now = time.monotonic()
            if p.stage != last[1] or now - last[0] > 2 or p.stage_fraction >= 1.0:
                last[:] = [now, p.stage]
                print(f"[{p.stage_index + 1}/{p.stage_count} {p.stage:<16}] "
                      f"{100 * p.fraction:5.1f} %  {p.message}", file=sys.stderr, flush=True)

        done = pipeline.run(args.out, photos, options, on_progress=show,
                            should_stop=stop.is_set, stop_after=args.stop_after)
    except Cancelled:
        print(f"cancelled; run the same command again to resume in {args.out}",
              file=sys.stderr)
        return 130
    except StitchError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    finally:
        signal.signal(signal.SIGINT, previous)
    summary = done.get("export")
    if summary is None:
        print(f"stopped after {list(done)[-1]}; outputs in {args.out}")
        return 0
    d = summary["dimensions"]
    unit = "m" if summary["scaled"] else "units (unscaled: no mat found)"
    print(f"registered {summary['registered']}/{summary['images']} photos"
          f", reprojection error {summary['mean_reprojection_error_px']:.2f} px")
    if summary["unregistered_filenames"]:
        print("not placed (retake?): " + ", ".join(summary["unregistered_filenames"]))
    print(f"scale: {summary['scale_source']} (residual {100 * summary['scale_residual']:.2f} %)")
    print(f"size W×D×H: {d['width_m']:.3f} × {d['depth_m']:.3f} × {d['height_m']:.3f} {unit}")
    print("files: " + ", ".join(str(args.out / "model" / f) for f in summary["files"]))
    return 0


def run_calibration_mat(args: argparse.Namespace) -> int:
    from appliance.paths import atomic_write

    atomic_write(args.out, calibration_mat.render_pdf(args.paper))
    print(f"wrote {args.out} ({args.paper}); print at 100 % and check the 10 cm ruler")
    return 0
