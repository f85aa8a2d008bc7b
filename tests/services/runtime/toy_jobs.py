"""A small real work function for job-runtime tests: two resumable stages."""

from __future__ import annotations

import os
import time
from pathlib import Path

from services.errors import InvalidArgument
from services.runtime.jobs import JobContext, JobKind

STAGES = ("first", "second")
KIND = JobKind(target="tests.services.runtime.toy_jobs:run", stages=STAGES)


def run(job_dir: Path, params: dict, ctx: JobContext) -> None:
    job_dir.mkdir(parents=True, exist_ok=True)
    if params.get("fail"):
        raise InvalidArgument("the toy was told to fail")
    if params.get("crash"):
        os._exit(3)
    for stage in STAGES:
        done = job_dir / f"{stage}.done"
        if done.exists():  # resumable: a finished stage is skipped
            continue
        with (job_dir / "runs.txt").open("a") as f:
            f.write(stage + "\n")
        steps = int(params.get(f"{stage}_steps", 5))
        for i in range(steps):
            ctx.check_stop()
            ctx.progress(stage, i / steps, f"{stage} {i}/{steps}")
            time.sleep(float(params.get("step_s", 0.02)))
        ctx.log(f"{stage} finished")
        done.write_text("ok")
