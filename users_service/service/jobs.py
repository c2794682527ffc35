"""Background jobs: start a tier run or an LTV training, answer at once with the job, run it in this process.

The job is stored first (RUNNING, with a heartbeat), then run as a task of this process; a heartbeat task renews
its lease every third of `JOB_LEASE_SECONDS` while the work goes on, and the work reports progress as it passes
its phases. A job whose process died keeps a lapsed heartbeat: it is failed at the next start-up (`recover`) and
whenever it is read, so no job stays RUNNING forever. Results are the synchronous operation's wire answer.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from bson import ObjectId

from infra.errors import NotFoundError, ServiceError
from infra.tasks import cancel_and_wait
from users_service.domain.jobs import INTERRUPTED, JobKind, Progress, clamp_progress
from users_service.schemas.jobs import JobRead
from users_service.schemas.ltv import LtvTrain
from users_service.service.communities import CommunitiesService
from users_service.service.ltv import LtvService
from users_service.service.value import ValueService
from users_service.store.jobs import JobsStore

log = structlog.get_logger(__name__)

Work = Callable[[Progress], Awaitable[dict[str, Any]]]


class JobNotFound(NotFoundError):
    def __init__(self) -> None:
        super().__init__("job not found", field="id")


class JobsService:
    def __init__(
        self,
        store: JobsStore,
        communities: CommunitiesService,
        value: ValueService,
        ltv: LtvService,
        *,
        lease_seconds: float,
    ) -> None:
        self.store = store
        self.communities = communities
        self.value = value
        self.ltv = ltv
        self.lease_seconds = lease_seconds
        self._tasks: set[asyncio.Task[None]] = set()

    async def start_tier_run(self, cid: ObjectId, as_of: datetime | None) -> JobRead:
        await self.communities.get_or_raise(cid)

        async def work(progress: Progress) -> dict[str, Any]:
            return (await self.value.recompute(cid, now=as_of, progress=progress)).to_wire()

        params = {"as_of": as_of}
        return await self._start(cid, JobKind.TIER_RUN, params, work)

    async def start_ltv_training(self, cid: ObjectId, train_in: LtvTrain) -> JobRead:
        await self.communities.get_or_raise(cid)

        async def work(progress: Progress) -> dict[str, Any]:
            return (await self.ltv.train(cid, train_in, progress=progress)).to_wire()

        return await self._start(cid, JobKind.LTV_TRAINING, train_in.model_dump(), work)

    async def get(self, cid: ObjectId, job_id: ObjectId) -> JobRead:
        """The job as it stands; a RUNNING one whose heartbeat lapsed is failed now and read as FAILED."""
        await self.communities.get_or_raise(cid)
        job = await self.store.fail_if_stale(cid, job_id, self._lapsed_before())
        if job is None:
            raise JobNotFound()
        return job

    async def recover(self) -> int:
        """At start-up: fail the jobs a dead process left RUNNING (their heartbeat lapsed)."""
        failed = await self.store.fail_stale(self._lapsed_before())
        if failed:
            log.warning("jobs.recovered", failed=failed)
        return failed

    async def stop(self) -> None:
        """Cancel this process's running jobs (their lease lapses, so they read FAILED, not RUNNING forever)."""
        for task in list(self._tasks):
            await cancel_and_wait(task)

    def _lapsed_before(self) -> datetime:
        return datetime.now(UTC) - timedelta(seconds=self.lease_seconds)

    async def _start(self, cid: ObjectId, kind: JobKind, params: dict[str, Any], work: Work) -> JobRead:
        job = await self.store.insert(cid, kind, params)
        task = asyncio.create_task(self._run(cid, ObjectId(job.id), work), name=f"job-{job.id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return job

    async def _run(self, cid: ObjectId, job_id: ObjectId, work: Work) -> None:
        async def progress(fraction: float) -> None:
            await self.store.beat(cid, job_id, clamp_progress(fraction))

        heartbeat = asyncio.create_task(self._heartbeat(cid, job_id))
        try:
            result = await work(progress)
        except ServiceError as exc:
            await self.store.finish(cid, job_id, error=exc.message, error_code=exc.code)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await self.store.finish(cid, job_id, error=INTERRUPTED, error_code="UNAVAILABLE")
            raise
        except Exception as exc:
            log.exception("jobs.failed", job=str(job_id))
            await self.store.finish(cid, job_id, error=f"{type(exc).__name__}: {exc}", error_code="INTERNAL")
        else:
            await self.store.finish(cid, job_id, result=result)
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat

    async def _heartbeat(self, cid: ObjectId, job_id: ObjectId) -> None:
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            try:
                await self.store.beat(cid, job_id)
            except Exception:  # a lost beat is retried at the next one; the lease outlives two misses
                log.warning("jobs.heartbeat_failed", job=str(job_id))
