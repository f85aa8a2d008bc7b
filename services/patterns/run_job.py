"""The patterns job's work function, run by the JobManager in its own process.

Stages: fetch (the mesh into the job folder) → segment → flatten → cut. Each skips what
is already in its output (see job_state), so a job resumed after a restart picks up
where it stopped; flattening restarts from the segmented panels. Nesting is not a stage:
it depends on the fabric, and LayoutPieces runs it on demand.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import Any

from services.errors import InvalidArgument
from services.patterns.job_state import (
    JobOptions,
    PatternState,
    current_revision,
    load_job_mesh,
    load_segmented,
    save_mesh,
    save_segmented,
    save_state,
)
from services.patterns.mesh_store import FORMATS, read_mesh
from services.patterns.pipeline import cut_all, flatten_all, make_panels
from services.runtime.jobs import JobContext

log = logging.getLogger(__name__)

KIND = "patterns"
STAGES = ("fetch", "segment", "flatten", "cut")


def run(job_dir: Path, params: dict[str, Any], ctx: JobContext) -> None:
    """params: {"options": JobOptions as a dict, "source": {"mesh_path": ...} or
    {"reconstruction_job_id": ..., plus how to reach the service}}."""
    options = JobOptions.from_dict(params.get("options", {}))
    if current_revision(job_dir) > 0:
        ctx.progress("cut", 1.0, "already done")
        return
    source = _fetch(job_dir, params["source"], ctx)
    ctx.check_stop()

    ctx.progress("segment", 0.0, "reading the mesh")
    if (job_dir / "mesh.npz").exists():
        mesh = load_job_mesh(job_dir)
    else:
        mesh = read_mesh(source)
        save_mesh(job_dir, mesh)
    ctx.log(f"mesh: {len(mesh.vertices)} vertices, {len(mesh.faces)} triangles")
    if options.use_mesh_panels and mesh.face_labels is None:
        raise InvalidArgument("the mesh has no per-face panel labels (a PLY panel_id)",
                              field="use_mesh_panels")
    opt = options.pattern_options()
    ps = load_segmented(job_dir, mesh)
    if ps is None:
        ctx.progress("segment", 0.1, "finding seams")
        ps = make_panels(mesh, opt)
        save_segmented(job_dir, ps)
    ctx.log(f"{len(ps.panels)} panels: {', '.join(p.name for p in ps.panels)}")
    ctx.check_stop()

    def progress(stage: str, fraction: float) -> None:
        ctx.check_stop()  # between panels: a cancel lands within one panel's flattening
        ctx.progress(stage, fraction, f"flattening panels ({100 * fraction:.0f} %)")

    ctx.progress("flatten", 0.0, "flattening panels")
    flats = flatten_all(ps, opt, progress)
    for p in ps.panels:
        if p.flagged:
            ctx.log(f"{p.name}: {p.suggestion}")
    ctx.progress("cut", 0.0, "adding seam allowance and notches")
    pieces = cut_all(ps, flats, opt)
    save_state(job_dir, PatternState(1, ps, flats, pieces, options))
    flagged = sum(p.flagged for p in ps.panels)
    ctx.progress("cut", 1.0, f"{len(ps.panels)} panels, {len(pieces)} pieces"
                 + (f", {flagged} flagged" if flagged else ""))


def _fetch(job_dir: Path, source: dict[str, Any], ctx: JobContext) -> Path:
    """The mesh in the job folder: linked from the upload store or fetched over gRPC."""
    have = [job_dir / f"input{ext}" for ext in FORMATS if (job_dir / f"input{ext}").exists()]
    if have:
        return have[0]
    ctx.progress("fetch", 0.0, "getting the mesh")
    if "mesh_path" in source:
        src = Path(source["mesh_path"])
        dest = job_dir / f"input{src.suffix.lower()}"
        tmp = dest.with_name(f".{dest.name}.tmp")
        tmp.unlink(missing_ok=True)
        try:
            os.link(src, tmp)  # same file system: instant, and the upload may be deleted
        except OSError:
            shutil.copyfile(src, tmp)
        os.replace(tmp, dest)
        return dest
    from services.patterns.fetch_model import fetch_model  # gRPC only where needed

    dest = job_dir / "input.ply"

    def progress(fraction: float) -> None:
        ctx.check_stop()
        ctx.progress("fetch", fraction, f"downloading the model ({100 * fraction:.0f} %)")

    fetch_model(source, dest, progress)
    ctx.log(f"fetched model.ply of reconstruction job {source['reconstruction_job_id']}")
    return dest
