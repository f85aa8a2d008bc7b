"""Stage 2: SIFT features of every working image into the COLMAP database.

Out: `sparse/database.db`. Photos sharing a camera key (same make, model, size, focal)
share one camera whose focal length starts at the EXIF prior; photos without EXIF get
COLMAP's default guess and BA finds the focal length.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from services.reconstruction import isolated
from services.reconstruction.prepare_images import OUT_DIR as IMAGES_DIR
from services.reconstruction.prepare_images import load_manifest
from services.reconstruction.stage import StageContext

log = logging.getLogger(__name__)

NAME = "extract_features"
SPARSE_DIR = "sparse"
DATABASE = "database.db"

_PROCESSED = re.compile(r"Processed file \[(\d+)/(\d+)\]")


def database_path(run_dir: Path) -> Path:
    return run_dir / SPARSE_DIR / DATABASE


def extract_child(db: str, image_dir: str, groups: list[dict[str, Any]], max_features: int,
                  total: int) -> int:
    """In the child: one extract_features call per camera group."""
    import pycolmap

    done = 0
    for g in groups:
        reader = pycolmap.ImageReaderOptions()
        reader.camera_model = "SIMPLE_RADIAL"
        if g["focal_px"]:
            reader.camera_params = f"{g['focal_px']},{g['width'] / 2},{g['height'] / 2},0"
        opts = pycolmap.FeatureExtractionOptions()
        opts.sift.max_num_features = max_features
        pycolmap.extract_features(db, image_dir, image_names=g["names"],
                                  camera_mode=pycolmap.CameraMode.SINGLE,
                                  reader_options=reader, extraction_options=opts,
                                  device=pycolmap.Device.cpu)
        done += len(g["names"])
        print(f"extract group done {done}/{total}", flush=True)
    return done


def camera_groups(run_dir: Path) -> list[dict[str, Any]]:
    """Images grouped by camera key, each group with its prior."""
    groups: dict[tuple, list] = defaultdict(list)
    for im in load_manifest(run_dir):
        groups[(im.camera_key, im.width, im.height)].append(im)
    out = []
    for (_, w, h), ims in groups.items():
        focal = ims[0].focal_px
        out.append({"names": [i.name for i in ims], "width": w, "height": h,
                    "focal_px": focal})
    return out


def run(ctx: StageContext) -> dict[str, Any]:
    db = database_path(ctx.run_dir)
    db.parent.mkdir(parents=True, exist_ok=True)
    # A half-written database from a killed run is not worth trusting: start it over.
    db.unlink(missing_ok=True)
    groups = camera_groups(ctx.run_dir)
    total = sum(len(g["names"]) for g in groups)
    state = {"done_before": 0}

    def parse(line: str) -> tuple[float, str] | None:
        m = _PROCESSED.search(line)
        if m:
            i = int(m.group(1))
            return (state["done_before"] + i) / total, f"features: photo {i} of {total}"
        if line.startswith("extract group done"):
            state["done_before"] = int(line.split()[-1].split("/")[0])
        return None

    isolated.call(ctx, f"{__name__}:extract_child", str(db), str(ctx.path(IMAGES_DIR)),
                  groups, ctx.options.preset.max_features, total,
                  log_name=NAME, parser=parse)
    return {"images": total, "cameras": len(groups)}
