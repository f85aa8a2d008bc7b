"""The stages in order, run from the first one that has not finished.

A run directory holds everything of one reconstruction: `run.json` (photos and options),
each stage's outputs, `.stages/<name>.json` markers, `logs/`. Running the pipeline again
on the same directory — after a crash, a restart or a cancel — skips finished stages.
Changing an option re-runs only the stages it affects (a crop box: from `isolate` on).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from appliance.paths import atomic_write_text
from services.errors import InvalidArgument
from services.reconstruction import (
    dense_depth,
    export,
    extract_features,
    fuse,
    isolate,
    map_sparse,
    match_features,
    mesh,
    prepare_images,
    scale_orient,
    texture,
)
from services.reconstruction.options import ReconstructionOptions
from services.reconstruction.stage import (
    StageContext,
    StopFn,
    clear_marker,
    read_marker,
    write_marker,
)

log = logging.getLogger(__name__)

#: (module, share of a typical run's time) in order. The shares turn per-stage progress
#: into one job-wide fraction; they need only be roughly right.
STAGES: tuple[tuple[ModuleType, float], ...] = (
    (prepare_images, 0.02),
    (extract_features, 0.10),
    (match_features, 0.12),
    (map_sparse, 0.05),
    (scale_orient, 0.02),
    (isolate, 0.01),
    (dense_depth, 0.35),
    (fuse, 0.12),
    (mesh, 0.12),
    (texture, 0.07),
    (export, 0.02),
)
STAGE_NAMES = tuple(m.NAME for m, _ in STAGES)
RUN_FILE = "run.json"

#: Option field → first stage it affects.
_OPTION_STAGE = {
    "quality": prepare_images.NAME,
    "max_image_size": prepare_images.NAME,
    "seed": prepare_images.NAME,
    "mat_layout_json": scale_orient.NAME,
    "crop_box": isolate.NAME,
    "allow_cuda": dense_depth.NAME,
    "display_triangles": mesh.NAME,
    "extra": prepare_images.NAME,
}


@dataclass(frozen=True)
class Progress:
    """Where a run is: what the job runtime turns into stage, progress and ETA."""

    stage: str
    stage_index: int
    stage_count: int
    stage_fraction: float
    #: Whole run, 0..1, weighted by STAGES' shares.
    fraction: float
    message: str


def _weights_before(index: int) -> float:
    total = sum(w for _, w in STAGES)
    return sum(w for _, w in STAGES[:index]) / total


def stage_index(name: str) -> int:
    try:
        return STAGE_NAMES.index(name)
    except ValueError:
        raise InvalidArgument(f"unknown stage {name!r}; stages: {', '.join(STAGE_NAMES)}",
                              field="stage") from None


def invalidate(run_dir: Path, from_stage: str) -> None:
    """Forget `from_stage` and every later stage, so the next run redoes them."""
    for name in STAGE_NAMES[stage_index(from_stage):]:
        clear_marker(run_dir, name)


def finished_stages(run_dir: Path) -> list[str]:
    """Stages done, in order, up to the first missing one."""
    done = []
    for name in STAGE_NAMES:
        if read_marker(run_dir, name) is None:
            break
        done.append(name)
    return done


def _prepare_run_file(run_dir: Path, photos: list[Path] | None,
                      options: ReconstructionOptions | None) -> tuple[list[Path],
                                                                      ReconstructionOptions]:
    """Load run.json, or write it; when photos or options changed, invalidate what they
    affect."""
    run_file = run_dir / RUN_FILE
    stored = json.loads(run_file.read_text()) if run_file.exists() else None
    if stored is None and photos is None:
        raise InvalidArgument(f"{run_dir} holds no run; give photos to start one",
                              field="photos")
    old_photos = [Path(p) for p in stored["photos"]] if stored else None
    old_opts = ReconstructionOptions.from_json(stored["options"]) if stored else None
    new_photos = [Path(p).resolve() for p in photos] if photos is not None else old_photos
    new_opts = options or old_opts or ReconstructionOptions()
    if stored is not None:
        if old_photos != new_photos:
            invalidate(run_dir, STAGE_NAMES[0])
        elif old_opts != new_opts:
            changed = [k for k in _OPTION_STAGE
                       if getattr(old_opts, k) != getattr(new_opts, k)]
            if changed:
                invalidate(run_dir, min((_OPTION_STAGE[k] for k in changed), key=stage_index))
    run_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_text(run_file, json.dumps(
        {"photos": [str(p) for p in new_photos], "options": new_opts.to_json()}, indent=1))
    return new_photos, new_opts


def run(
    run_dir: Path,
    photos: list[Path] | None = None,
    options: ReconstructionOptions | None = None,
    *,
    on_progress: Callable[[Progress], None] | None = None,
    should_stop: StopFn | None = None,
    log_line: Callable[[str], None] | None = None,
    stop_after: str | None = None,
) -> dict[str, Any]:
    """Run (or resume) a reconstruction in `run_dir`; returns every finished stage's
    summary by name. `photos`/`options` may be omitted to resume with the stored ones.
    Raises Cancelled when `should_stop` turns true (finished stages stay finished)."""
    run_dir = Path(run_dir)
    photos, options = _prepare_run_file(run_dir, photos, options)
    last = stage_index(stop_after) if stop_after else len(STAGES) - 1
    done: dict[str, dict[str, Any]] = {}
    # Everything after the first unfinished stage is stale.
    first_missing = None
    for i, name in enumerate(STAGE_NAMES):
        marker = read_marker(run_dir, name)
        if first_missing is None and marker is not None:
            done[name] = marker
        elif first_missing is None:
            first_missing = i
        else:
            clear_marker(run_dir, name)
    if first_missing is None:
        return done
    for i in range(first_missing, last + 1):
        module, _ = STAGES[i]
        share = STAGES[i][1] / sum(w for _, w in STAGES)
        base = _weights_before(i)

        def progress(fraction: float, message: str, _i: int = i, _b: float = base,
                     _s: float = share, _n: str = module.NAME) -> None:
            if on_progress is not None:
                on_progress(Progress(_n, _i, len(STAGES), fraction, _b + _s * fraction,
                                     message))

        ctx = StageContext(run_dir, options, photos=photos, progress=progress,
                           should_stop=should_stop or (lambda: False),
                           log_line=log_line or (lambda line: None), done=dict(done))
        ctx.check_stop()
        progress(0.0, f"starting {module.NAME}")
        started = time.monotonic()
        log.info("stage %s: starting", module.NAME)
        summary = module.run(ctx)
        seconds = time.monotonic() - started
        write_marker(run_dir, module.NAME, summary, seconds)
        done[module.NAME] = read_marker(run_dir, module.NAME) or summary
        log.info("stage %s: done in %.1f s", module.NAME, seconds)
        progress(1.0, f"{module.NAME} done")
    return done
