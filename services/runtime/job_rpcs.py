"""The job RPCs every job-running service shares (GetJob, ListJobs, WatchJob, CancelJob).

A servicer inherits `JobRpcs`, sets `self.jobs` to its JobManager, and gets the four
calls; `job_scopes(service)` gives their scope declarations.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from google.protobuf.timestamp_pb2 import Timestamp

from services.runtime import tokens
from services.runtime.jobs import JobManager, JobRecord, JobState
from stitchsketch.v1 import common_pb2

STATES = {
    JobState.QUEUED: common_pb2.JOB_STATE_QUEUED,
    JobState.RUNNING: common_pb2.JOB_STATE_RUNNING,
    JobState.SUCCEEDED: common_pb2.JOB_STATE_SUCCEEDED,
    JobState.FAILED: common_pb2.JOB_STATE_FAILED,
    JobState.CANCELLED: common_pb2.JOB_STATE_CANCELLED,
}


def job_to_proto(job: JobRecord) -> common_pb2.Job:
    created, updated = Timestamp(), Timestamp()
    created.FromNanoseconds(int(job.created_at * 1e9))
    updated.FromNanoseconds(int(job.updated_at * 1e9))
    return common_pb2.Job(
        id=job.id,
        kind=job.kind,
        project_id=job.project_id,
        state=STATES[job.state],
        stage=job.stage,
        stage_index=job.stage_index,
        stage_count=job.stage_count,
        progress=job.progress,
        eta_seconds=job.eta_seconds,
        message=job.message,
        error=job.error,
        created_at=created,
        updated_at=updated,
    )


def job_scopes(service: str) -> dict[str, str | None]:
    """Scope declarations of the shared job RPCs of `service` (full name)."""
    return {
        f"/{service}/GetJob": tokens.JOBS_READ,
        f"/{service}/ListJobs": tokens.JOBS_READ,
        f"/{service}/WatchJob": tokens.JOBS_READ,
        f"/{service}/CancelJob": tokens.JOBS_RUN,
    }


class JobRpcs:
    """Mixin: the shared job calls over `self.jobs`."""

    jobs: JobManager

    async def GetJob(self, request: common_pb2.GetJobRequest, context) -> common_pb2.GetJobResponse:
        return common_pb2.GetJobResponse(job=job_to_proto(self.jobs.get(request.job_id)))

    async def ListJobs(self, request: common_pb2.ListJobsRequest, context):
        jobs = self.jobs.list(request.project_id)
        return common_pb2.ListJobsResponse(jobs=[job_to_proto(j) for j in jobs])

    async def WatchJob(
        self, request: common_pb2.WatchJobRequest, context
    ) -> AsyncIterator[common_pb2.JobEvent]:
        async for job, lines in self.jobs.watch(request.job_id):
            yield common_pb2.JobEvent(job=job_to_proto(job), log_lines=lines)

    async def CancelJob(self, request: common_pb2.CancelJobRequest, context):
        job = await self.jobs.cancel(request.job_id)
        return common_pb2.CancelJobResponse(job=job_to_proto(job))
