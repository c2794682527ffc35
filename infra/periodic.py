"""One helper for every background loop a service runs (golden slots, billing cycle, relays, crisis ticks).

A job runs every `interval` seconds; a failure is logged with its traceback and the loop goes on, so one bad
tick never stops the schedule; `stop()` cancels the loop and waits for it at shutdown. A job given a leader lease
(infra/leader.py, with REDIS_URL) runs only in the replica holding it: every replica keeps its scheduler on, one runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from infra.leader import LeaderLease
from infra.logging import get_logger
from infra.metrics import PERIODIC_RUNS
from infra.tasks import cancel_and_wait

log = get_logger(__name__)

Job = Callable[[], Awaitable[Any]]


async def run_once(name: str, job: Job) -> bool:
    """One run of `job`; True when it ran clean, False (logged) when it raised."""
    try:
        await job()
    except Exception:  # noqa: BLE001 - a periodic job must outlive one failing run
        log.exception("periodic_job_failed", job=name)
        PERIODIC_RUNS.labels(job=name, outcome="error").inc()
        return False
    PERIODIC_RUNS.labels(job=name, outcome="ok").inc()
    return True


class PeriodicTask:
    """`job` every `interval` seconds in a task of its own, started and stopped by the service's lifespan."""

    def __init__(
        self, name: str, job: Job, *, interval: float, run_at_start: bool = False, lease: LeaderLease | None = None
    ) -> None:
        self.name = name
        self.job = job
        self.interval = interval
        self.run_at_start = run_at_start
        self.lease = lease
        self._task: asyncio.Task[None] | None = None

    async def _loop(self) -> None:
        if not self.run_at_start:
            await asyncio.sleep(self.interval)
        while True:
            # The lease is renewed in its own task; checked again here so a replica that just lost it skips.
            if self.lease is None or await self.lease.try_hold():
                await run_once(self.name, self.job)
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        if self._task is None and self.interval > 0:
            if self.lease is not None:
                self.lease.start()
            self._task = asyncio.get_running_loop().create_task(self._loop(), name=self.name)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None
        if self.lease is not None:
            await self.lease.stop()
