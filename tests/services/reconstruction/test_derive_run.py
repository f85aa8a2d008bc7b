"""A crop-box re-run's starting point, and a resumed job's progress, on small stand-in runs
(the real thing is exercised end to end in test_service.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.errors import FailedPrecondition
from services.reconstruction import derive_run, pipeline
from services.reconstruction.stage import read_marker, write_marker


def finished_run(root: Path) -> tuple[Path, list[Path]]:
    """A run whose every stage has a marker and an output, with photos under root/photos."""
    photos = [root / "photos" / f"IMG_{i}.jpg" for i in range(3)]
    for p in photos:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"jpeg")
    run = root / "run"
    for folder in ("images", "sparse/model", "scene", "logs", "dense/raw", "model"):
        (run / folder).mkdir(parents=True)
    (run / "images" / "IMG_0.jpg").write_bytes(b"small jpeg")
    (run / "images" / "manifest.json").write_text(json.dumps(
        {"images": [{"name": p.name, "source": str(p)} for p in photos]}))
    (run / "sparse" / "database.db").write_bytes(b"db")
    (run / "scene" / "known_length.json").write_text('{"factor": 2.0}')
    (run / "dense" / "raw" / "IMG_0.jpg.npz").write_bytes(b"old depth")
    (run / "logs" / "map_sparse.log").write_text("mapper\n")
    (run / pipeline.RUN_FILE).write_text(json.dumps(
        {"photos": [str(p) for p in photos], "options": "{}"}))
    for name in pipeline.STAGE_NAMES:
        write_marker(run, name, {"stage": name}, 1.0)
    return run, photos


def test_derive_copies_the_sparse_work_only_with_photos_relocated(tmp_path: Path) -> None:
    src, photos = finished_run(tmp_path / "old")
    dst = tmp_path / "new" / "run"

    def relocate(path: str) -> str:
        return path.replace(str(tmp_path / "old"), str(tmp_path / "new"))

    derive_run.derive(src, dst, relocate)
    assert pipeline.finished_stages(dst) == list(pipeline.STAGE_NAMES[:5])  # … scale_orient
    assert not (dst / "dense").exists() and not (dst / "model").exists()
    assert (dst / "scene" / "known_length.json").read_text() == '{"factor": 2.0}'
    run = json.loads((dst / pipeline.RUN_FILE).read_text())
    assert run["photos"] == [relocate(str(p)) for p in photos]
    manifest = json.loads((dst / "images" / "manifest.json").read_text())
    assert [m["source"] for m in manifest["images"]] == run["photos"]
    # images are shared (written once, replaced atomically); everything else is a copy
    assert (dst / "images" / "IMG_0.jpg").stat().st_ino == (src / "images" /
                                                            "IMG_0.jpg").stat().st_ino
    (dst / "logs" / "map_sparse.log").write_text("changed\n")
    assert (src / "logs" / "map_sparse.log").read_text() == "mapper\n"
    assert json.loads((src / pipeline.RUN_FILE).read_text())["photos"] == [str(p) for p in photos]
    assert read_marker(src, "export") is not None


def test_derive_needs_a_metric_model(tmp_path: Path) -> None:
    src, _ = finished_run(tmp_path / "old")
    pipeline.invalidate(src, "scale_orient")
    with pytest.raises(FailedPrecondition):
        derive_run.derive(src, tmp_path / "new", lambda p: p)
