"""Each member's deliveries of the last 24 hours (the daily cap), kept per community for a slot run's chunks.

Counted per chunk from the members' deliveries (`$in` on member), SecantusDB fetches every delivery the members
ever had and matches each against every `$in` value: with 30 days of history (three a day) that measured ~12 ms of
database CPU per member, ten times a whole run's cost, and growing. Here one range read of the community's
deliveries of the last day (community_created_at) serves every chunk for REFRESH; deliveries this process makes
are added as they are made, so within a run the counts are exact. Another process's deliveries are seen at the
next read (slot runs are hours apart; a member reached twice within REFRESH by two processes could pass the cap by
one).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bson import ObjectId

from distribution_service.store.deliveries import DeliveriesStore
from infra.moments import as_utc

# How long one read of a community's last day serves its chunks (a run's pool is shared as long).
REFRESH = timedelta(minutes=10)
WINDOW = timedelta(days=1)


@dataclass
class _Read:
    at: datetime
    times: dict[str, list[datetime]]


class RecentDeliveries:
    def __init__(self, deliveries: DeliveriesStore, *, refresh: timedelta = REFRESH) -> None:
        self.deliveries = deliveries
        self.refresh = refresh
        self._reads: dict[ObjectId, _Read] = {}
        self._locks: dict[ObjectId, asyncio.Lock] = {}

    async def counts(self, cid: ObjectId, member_ids: list[str], now: datetime | None = None) -> dict[str, int]:
        """How many deliveries each of these members got in the WINDOW before `now` (members with none absent)."""
        now = now or datetime.now(UTC)
        async with self._locks.setdefault(cid, asyncio.Lock()):
            read = self._reads.get(cid)
            if read is None or now - read.at >= self.refresh or now < read.at:
                # Other communities' reads past their refresh are dropped: a scheduler's process serves many.
                self._reads = {c: r for c, r in self._reads.items() if abs(now - r.at) < self.refresh}
                read = _Read(now, await self.deliveries.list_delivery_times_since(cid, now - WINDOW))
                self._reads[cid] = read
        since = now - WINDOW
        found = {m: sum(1 for at in read.times.get(m, ()) if as_utc(at) >= since) for m in member_ids}
        return {m: n for m, n in found.items() if n}

    def add(self, cid: ObjectId, member_ids: list[str], at: datetime) -> None:
        """Deliveries this process just made (counted until the next read, which finds them stored)."""
        read = self._reads.get(cid)
        if read is not None:
            for member in member_ids:
                read.times.setdefault(member, []).append(at)
