"""A leader lease in Redis: of every replica running a scheduler, one holds the lease and runs the job.

The holder renews the lease every third of its lifetime (`LEADER_LEASE_SECONDS`); when it dies (even by `kill -9`)
the lease expires and the next replica to try takes it, so the job moves within one lease lifetime. A renewal that
finds another holder (this process stalled past the lifetime) steps down. Jobs stay idempotent (deliveries and
renewals are unique), so the short overlap a stalled leader may cause repeats work, never a push or a charge.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid

from infra.logging import get_logger
from infra.metrics import SCHEDULER_LEADER
from infra.settings import Settings
from infra.shared_state import key_prefix, redis_client
from infra.tasks import cancel_and_wait

log = get_logger(__name__)

# Take the lease when free, renew it when ours; 1 when held after the call, 0 when another replica holds it.
ACQUIRE_OR_RENEW = """
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
"""
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class LeaderLease:
    """The lease of one job name; `held` says whether this process may run the job now."""

    def __init__(self, url: str, key: str, *, seconds: float, name: str) -> None:
        self.url = url
        self.key = key
        self.name = name
        self.seconds = seconds
        # Unique per process and lease: the holder's name in Redis (pid first, for an operator reading it).
        self.token = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self.held = False
        self._redis = redis_client(url)
        self._task: asyncio.Task[None] | None = None

    async def try_hold(self) -> bool:
        """One acquire-or-renew; a Redis error counts as not held (no leader beats two)."""
        try:
            held = bool(await self._redis.eval(ACQUIRE_OR_RENEW, 1, self.key, self.token, int(self.seconds * 1000)))
        except Exception as exc:  # noqa: BLE001 - Redis down: step down, try again at the next renewal
            log.warning("leader_lease_unreachable", job=self.name, error=str(exc)[:200])
            held = False
        if held != self.held:
            log.info("leader_lease_taken" if held else "leader_lease_lost", job=self.name, holder=self.token)
        self.held = held
        SCHEDULER_LEADER.labels(job=self.name).set(1 if held else 0)
        return held

    async def _renew(self) -> None:
        while True:
            await self.try_hold()
            await asyncio.sleep(self.seconds / 3)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._renew(), name=f"lease:{self.name}")

    async def stop(self) -> None:
        """Stop renewing and hand the lease back at once, so a clean shutdown moves the job without waiting."""
        await cancel_and_wait(self._task)
        self._task = None
        if self.held:
            with contextlib.suppress(Exception):
                await self._redis.eval(RELEASE, 1, self.key, self.token)
            self.held = False
            SCHEDULER_LEADER.labels(job=self.name).set(0)
        await self._redis.aclose()


def leader_lease(settings: Settings, name: str) -> LeaderLease | None:
    """The lease of job `name` when REDIS_URL is set; None otherwise (this process runs the job itself)."""
    if not settings.redis_url:
        return None
    key = f"{key_prefix(settings)}leader:{name}"
    return LeaderLease(settings.redis_url, key, seconds=settings.leader_lease_seconds, name=name)
