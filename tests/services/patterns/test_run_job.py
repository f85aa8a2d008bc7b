"""The job's work function in-process: outputs in the job folder, stop between panels,
and a second run that skips what the first one finished."""

from __future__ import annotations

import json
import threading
from dataclasses import asdict
from pathlib import Path

import pytest

from services.errors import Cancelled
from services.patterns import sample_meshes
from services.patterns.job_state import JobOptions, current_revision, load_state
from services.patterns.mesh import ply_bytes
from services.patterns.run_job import STAGES, run
from services.runtime.jobs import JobContext


class StopAt:
    """Events sink that asks the job to stop when a given stage reports progress."""

    def __init__(self, stop: threading.Event, stage: str | None):
        self.stop, self.stage, self.events = stop, stage, []

    def put(self, item: tuple) -> None:
        self.events.append(item)
        if item[0] == "progress" and item[1] == self.stage and item[2] > 0:
            self.stop.set()


def ctx_for(job_dir: Path, stop_stage: str | None = None) -> tuple[JobContext, StopAt]:
    stop = threading.Event()
    sink = StopAt(stop, stop_stage)
    return JobContext(job_dir, sink, stop, list(STAGES)), sink


@pytest.fixture
def params(tmp_path: Path) -> dict:
    mesh = tmp_path / "upload" / "mesh.ply"
    mesh.parent.mkdir()
    mesh.write_bytes(ply_bytes(sample_meshes.square_arm_chair()))
    return {"source": {"mesh_path": str(mesh)}, "options": asdict(JobOptions(project_name="t"))}


def test_a_run_leaves_revision_one_and_the_cli_document(tmp_path, params):
    job_dir = tmp_path / "job"
    job_dir.mkdir()
    ctx, sink = ctx_for(job_dir)
    run(job_dir, params, ctx)
    assert current_revision(job_dir) == 1
    doc = json.loads((job_dir / "revisions" / "r000001" / "panels.json").read_text())
    assert doc["units"] == "metres" and doc["revision"] == 1 and doc["pieces"]
    upload = Path(params["source"]["mesh_path"])
    assert (job_dir / "input.ply").stat().st_ino == upload.stat().st_ino  # linked, not copied
    assert {e[1] for e in sink.events if e[0] == "progress"} == set(STAGES)
    state = load_state(job_dir)
    assert {p.name for p in state.panels.panels} >= {"arm_front_L", "arm_front_R"}


def test_a_stopped_run_resumes_after_segmenting(tmp_path, params):
    job_dir = tmp_path / "job"
    job_dir.mkdir()
    ctx, _ = ctx_for(job_dir, stop_stage="flatten")
    with pytest.raises(Cancelled):
        run(job_dir, params, ctx)
    assert current_revision(job_dir) == 0 and (job_dir / "segment" / "panels.json").exists()
    ctx, sink = ctx_for(job_dir)
    run(job_dir, params, ctx)
    assert current_revision(job_dir) == 1
    messages = [e[3] for e in sink.events if e[0] == "progress"]
    assert "finding seams" not in messages  # segmenting was not done again
