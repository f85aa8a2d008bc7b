from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from services.runtime.jobs import JobKind, JobManager, JobRecord, JobState
from tests.services.runtime import toy_jobs


@pytest.fixture
async def manager(tmp_path: Path):
    jobs = JobManager(tmp_path / "jobs", {"toy": toy_jobs.KIND})
    await jobs.start()
    yield jobs
    await jobs.stop()


async def wait_for(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not reached")
        await asyncio.sleep(0.02)


async def test_job_runs_and_watchers_see_stages(manager: JobManager) -> None:
    job = manager.submit("toy", "p1", {})
    seen: list[tuple[str, str, float]] = []
    lines: list[str] = []
    async for record, new_lines in manager.watch(job.id):
        seen.append((record.state, record.stage, record.progress))
        lines += new_lines
    assert seen[-1][0] == JobState.SUCCEEDED and job.progress == 1.0
    assert {stage for _, stage, _ in seen} >= {"first", "second"}
    progress = [p for _, _, p in seen]
    assert progress == sorted(progress)
    assert "second finished" in lines
    assert manager.list("p1")[0].id == job.id and manager.list("other") == []


async def test_failures_are_reported(manager: JobManager) -> None:
    failed = manager.submit("toy", "p", {"fail": True})
    crashed = manager.submit("toy", "p", {"crash": True})
    await wait_for(lambda: failed.state.ended and crashed.state.ended)
    assert failed.state == JobState.FAILED and "told to fail" in failed.error
    assert crashed.state == JobState.FAILED and "exit code 3" in crashed.error


async def test_one_job_at_a_time_and_cancel_within_two_seconds(manager: JobManager) -> None:
    slow = manager.submit("toy", "p", {"first_steps": 1000, "step_s": 0.05})
    queued = manager.submit("toy", "p", {})
    await wait_for(lambda: slow.stage == "first")
    assert queued.state == JobState.QUEUED
    started = time.monotonic()
    await manager.cancel(slow.id)
    assert slow.state == JobState.CANCELLED
    assert time.monotonic() - started < 2.0
    await wait_for(lambda: queued.state == JobState.SUCCEEDED)


async def test_cancel_of_a_queued_job(manager: JobManager) -> None:
    slow = manager.submit("toy", "p", {"first_steps": 1000, "step_s": 0.05})
    queued = manager.submit("toy", "p", {})
    await manager.cancel(queued.id)
    assert queued.state == JobState.CANCELLED
    await manager.cancel(slow.id)


async def test_restart_resumes_from_the_last_finished_stage(tmp_path: Path) -> None:
    root = tmp_path / "jobs"
    first = JobManager(root, {"toy": toy_jobs.KIND})
    await first.start()
    job = first.submit("toy", "p", {"second_steps": 1000, "step_s": 0.05})
    await wait_for(lambda: job.stage == "second")
    await first.stop()  # as if the service died mid-stage
    stored = JobRecord.load(root / job.id / "job.json")
    assert stored.state == JobState.RUNNING
    stored.params["second_steps"] = 3  # lets the resumed run finish fast
    (root / job.id / "job.json").write_text(stored.to_json())

    second = JobManager(root, {"toy": toy_jobs.KIND})
    await second.start()
    try:
        assert second.get(job.id).state in (JobState.QUEUED, JobState.RUNNING)
        await wait_for(lambda: second.get(job.id).state.ended)
        assert second.get(job.id).state == JobState.SUCCEEDED
        runs = (root / job.id / "runs.txt").read_text().split()
        assert runs == ["first", "second", "second"]  # the first stage was not redone
    finally:
        await second.stop()


def test_weighted_stages_give_the_whole_jobs_fraction() -> None:
    kind = JobKind("m:f", ("quick", "slow"), weights=(1.0, 3.0))
    assert kind.fraction(0, 1.0) == 0.25
    assert kind.fraction(1, 0.5) == 0.625
    assert JobKind("m:f", ("a", "b")).fraction(1, 0.0) == 0.5  # no weights: equal shares


async def test_progress_does_not_go_back_when_a_job_resumes(tmp_path: Path) -> None:
    root = tmp_path / "jobs"
    first = JobManager(root, {"toy": toy_jobs.KIND})
    await first.start()
    job = first.submit("toy", "p", {"second_steps": 1000, "step_s": 0.05})
    await wait_for(lambda: job.stage == "second" and job.progress > 0.5)
    await first.stop()
    before = JobRecord.load(root / job.id / "job.json").progress

    second = JobManager(root, {"toy": toy_jobs.KIND})
    await second.start()
    try:
        seen: list[float] = []
        async for record, _ in second.watch(job.id):
            seen.append(record.progress)
            if len(seen) > 5:
                break
        assert min(seen) >= before
    finally:
        await second.stop()


async def test_one_heavy_job_per_box_across_services(tmp_path: Path) -> None:
    """Two services (two managers) of one box share the box lock: one job at a time."""
    lock = tmp_path / "heavy-work.lock"
    first = JobManager(tmp_path / "a" / "jobs", {"toy": toy_jobs.KIND}, box_lock=lock)
    second = JobManager(tmp_path / "b" / "jobs", {"toy": toy_jobs.KIND}, box_lock=lock)
    await first.start()
    await second.start()
    try:
        slow = first.submit("toy", "p", {"first_steps": 1000, "step_s": 0.05})
        await wait_for(lambda: slow.stage == "first")
        waiting = second.submit("toy", "p", {})
        await wait_for(lambda: "another job" in waiting.message)
        await asyncio.sleep(0.5)
        assert waiting.state == JobState.QUEUED
        await first.cancel(slow.id)
        await wait_for(lambda: waiting.state == JobState.SUCCEEDED)
        # a job cancelled while it waits for the box never starts
        slow = first.submit("toy", "p", {"first_steps": 1000, "step_s": 0.05})
        await wait_for(lambda: slow.stage == "first")
        blocked = second.submit("toy", "p", {})
        await wait_for(lambda: "another job" in blocked.message)
        await second.cancel(blocked.id)
        assert blocked.state == JobState.CANCELLED
        await first.cancel(slow.id)
    finally:
        await first.stop()
        await second.stop()
