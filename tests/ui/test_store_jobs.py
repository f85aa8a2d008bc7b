"""project_jobs: which reconstruction, patterns and render jobs belong to a project."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.errors import InvalidArgument, NotFound
from ui.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store(tmp_path / "ui.duckdb")
    yield opened
    opened.close()


def test_a_project_remembers_its_jobs_newest_first(store: Store) -> None:
    project = store.projects.create("Mrs Smith", "sofa")
    other = store.projects.create("Mr Jones", "armchair")
    store.jobs.add(project.id, "reconstruction", "reconstruct", "r1", "12 photos")
    store.jobs.add(project.id, "patterns", "patterns", "p1", "from the 3D model")
    store.jobs.add(project.id, "patterns", "patterns", "p2", "from  chair.ply\n")
    store.jobs.add(other.id, "patterns", "patterns", "p3")
    assert [j.job_id for j in store.jobs.list(project.id)] == ["p2", "p1", "r1"]
    assert [j.job_id for j in store.jobs.list(project.id, "patterns")] == ["p2", "p1"]
    assert store.jobs.latest(project.id, "patterns").label == "from chair.ply"
    assert store.jobs.latest(project.id, "reconstruction", "reconstruct").job_id == "r1"
    assert store.jobs.latest(project.id, "render") is None
    again = store.jobs.add(project.id, "patterns", "patterns", "p1", "other label")
    assert again.label == "from the 3D model"  # the first record stays
    store.jobs.forget("patterns", "p1")
    with pytest.raises(NotFound):
        store.jobs.get("patterns", "p1")


def test_bad_jobs_are_refused(store: Store) -> None:
    project = store.projects.create("Mrs Smith", "sofa")
    with pytest.raises(InvalidArgument, match="service"):
        store.jobs.add(project.id, "laundry", "x", "j1")
    with pytest.raises(InvalidArgument, match="job_id"):
        store.jobs.add(project.id, "patterns", "patterns", "../etc")
    with pytest.raises(NotFound):
        store.jobs.add("no-such-project", "patterns", "patterns", "j1")


def test_jobs_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "ui.duckdb"
    first = Store(path)
    project = first.projects.create("Mrs Smith", "sofa")
    first.jobs.add(project.id, "render", "turntable", "t1", "green velvet")
    first.close()
    second = Store(path)
    try:
        assert second.jobs.get("render", "t1").project_id == project.id
    finally:
        second.close()
