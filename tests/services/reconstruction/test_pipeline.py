"""The stage runner: order, markers, resume, invalidation, cancel — with stand-in stages
(the real ones are exercised end to end in test_end_to_end.py)."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from services.errors import Cancelled, InvalidArgument
from services.reconstruction import pipeline
from services.reconstruction.options import CropBox, ReconstructionOptions
from services.reconstruction.stage import StageContext, read_marker


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Replace every stage's body by one that records its name."""
    seen: list[str] = []
    stages = []
    for module, share in pipeline.STAGES:
        def run(ctx: StageContext, _name: str = module.NAME) -> dict[str, Any]:
            ctx.check_stop()
            ctx.progress(0.5, "half")
            seen.append(_name)
            return {"ran": _name}
        stages.append((SimpleNamespace(NAME=module.NAME, run=run), share))
    monkeypatch.setattr(pipeline, "STAGES", tuple(stages))
    return seen


def test_runs_in_order_and_resumes_after_the_last_finished(tmp_path: Path,
                                                           calls: list[str]) -> None:
    photos = [tmp_path / "a.jpg"]
    pipeline.run(tmp_path, photos, stop_after="map_sparse")
    assert calls == list(pipeline.STAGE_NAMES[:4])
    assert pipeline.finished_stages(tmp_path) == calls
    calls.clear()
    progress: list[pipeline.Progress] = []
    done = pipeline.run(tmp_path, on_progress=progress.append)  # resume: stored photos
    assert calls == list(pipeline.STAGE_NAMES[4:])
    assert list(done) == list(pipeline.STAGE_NAMES)
    fractions = [p.fraction for p in progress]
    assert fractions == sorted(fractions) and fractions[-1] == pytest.approx(1.0)
    assert read_marker(tmp_path, "mesh")["ran"] == "mesh"
    calls.clear()
    pipeline.run(tmp_path)
    assert calls == []  # nothing left to do


def test_changed_option_reruns_only_what_it_affects(tmp_path: Path, calls: list[str]) -> None:
    photos = [tmp_path / "a.jpg"]
    pipeline.run(tmp_path, photos)
    calls.clear()
    box = CropBox((-1, -1, 0), (1, 1, 1))
    pipeline.run(tmp_path, photos, ReconstructionOptions(crop_box=box))
    assert calls[0] == "isolate" and "map_sparse" not in calls
    calls.clear()
    pipeline.run(tmp_path, [tmp_path / "b.jpg"], ReconstructionOptions(crop_box=box))
    assert calls == list(pipeline.STAGE_NAMES)  # other photos: everything


def test_cancel_keeps_finished_stages(tmp_path: Path, calls: list[str]) -> None:
    stop = threading.Event()

    def on_progress(p: pipeline.Progress) -> None:
        if p.stage == "dense_depth":
            stop.set()

    with pytest.raises(Cancelled):
        pipeline.run(tmp_path, [tmp_path / "a.jpg"], on_progress=on_progress,
                     should_stop=stop.is_set)
    assert pipeline.finished_stages(tmp_path)[-1] == "isolate"


def test_needs_photos_to_start(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument):
        pipeline.run(tmp_path)
    with pytest.raises(InvalidArgument):
        pipeline.invalidate(tmp_path, "nonsense")
