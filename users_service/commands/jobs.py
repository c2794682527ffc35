"""What the long users_service commands share: start a background job, follow it to its end with a bar.

The commands start the same jobs as `startTierRun` / `startLtvTraining`, so a run from the command line is
recorded, shows progress and can be read with `job(id)` like any other.
"""

from __future__ import annotations

import asyncio

from infra.progress import ProgressBar
from users_service.client import UsersClient
from users_service.schemas.jobs import JobRead, JobStatus

# How often the job is read while it runs: a bar that moves, without a stream of reads.
POLL_SECONDS = 0.5


class JobFailed(Exception):
    """The job ended FAILED: its code and message are the failure's own."""

    def __init__(self, job: JobRead) -> None:
        super().__init__(job.error or "the job failed")
        self.code = job.error_code or "INTERNAL"
        self.message = job.error or "the job failed"


async def follow(users: UsersClient, community_id: str, job: JobRead, bar: ProgressBar) -> JobRead:
    """Read the job until it ends; the bar shows its progress in percent. FAILED raises `JobFailed`."""
    while job.status is JobStatus.RUNNING:
        bar.to(round(job.progress * 100, 1))
        await asyncio.sleep(POLL_SECONDS)
        job = await users.get_job(community_id, job.id)
    if job.status is JobStatus.FAILED:
        raise JobFailed(job)
    bar.to(100)
    return job
