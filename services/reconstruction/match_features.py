"""Stage 3: match features between photo pairs and verify them geometrically.

In/out: `sparse/database.db` (adds matches and two-view geometries), `sparse/pairs.txt`.
Small sets (≤ EXHAUSTIVE_MAX_IMAGES) match every pair; larger ones (up to ~200) match
neighbours in shooting order plus the most similar photos by visual words, which closes
the loop of a walk-around without the quadratic cost.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from services.reconstruction import isolated
from services.reconstruction.extract_features import database_path
from services.reconstruction.options import EXHAUSTIVE_MAX_IMAGES
from services.reconstruction.stage import StageContext

log = logging.getLogger(__name__)

NAME = "match_features"
PAIRS_FILE = "pairs.txt"

_BLOCK2 = re.compile(r"Processing block \[(\d+)/(\d+), (\d+)/(\d+)\]")
_BLOCK1 = re.compile(r"Processing block \[(\d+)/(\d+)\]")


def match_child(db_path: str, pairs_path: str, exhaustive_max: int, seed: int) -> dict:
    """In the child: pick pairs, match, verify. Returns what was done."""
    import numpy as np
    import pycolmap

    from services.reconstruction import retrieval

    db = pycolmap.Database.open(db_path)
    images = sorted(db.read_all_images(), key=lambda im: im.name)
    n = len(images)
    if n <= exhaustive_max:
        db.close()
        pairing = pycolmap.ExhaustivePairingOptions()
        pairing.block_size = max(4, (n + 3) // 4)  # ~10 blocks: progress in the log
        pycolmap.match_exhaustive(db_path, pairing_options=pairing, device=pycolmap.Device.cpu)
        return {"method": "exhaustive", "pairs": n * (n - 1) // 2}
    descs = [np.asarray(db.read_descriptors(im.image_id).data) for im in images]
    db.close()
    sim = retrieval.similarity(descs, seed=seed)
    pairs = retrieval.select_pairs(n, sim)
    Path(pairs_path).write_text(
        "".join(f"{images[i].name} {images[j].name}\n" for i, j in pairs))
    print(f"selected {len(pairs)} pairs by sequence and retrieval", flush=True)
    pairing = pycolmap.ImportedPairingOptions()
    pairing.match_list_path = pairs_path
    pairing.block_size = max(50, len(pairs) // 20)
    pycolmap.match_image_pairs(db_path, pairing_options=pairing, device=pycolmap.Device.cpu)
    return {"method": "sequential+retrieval", "pairs": len(pairs)}


def _parse(line: str) -> tuple[float, str] | None:
    m = _BLOCK2.search(line)
    if m:
        i, n, j, k = map(int, m.groups())
        return ((i - 1) * k + j - 1) / (n * k), f"matching block {(i - 1) * k + j} of {n * k}"
    m = _BLOCK1.search(line)
    if m:
        i, n = map(int, m.groups())
        return (i - 1) / n, f"matching block {i} of {n}"
    return None


def run(ctx: StageContext) -> dict[str, Any]:
    db = database_path(ctx.run_dir)
    result = isolated.call(ctx, f"{__name__}:match_child", str(db),
                           str(db.parent / PAIRS_FILE), EXHAUSTIVE_MAX_IMAGES,
                           ctx.options.seed, log_name=NAME, parser=_parse)
    return dict(result)
