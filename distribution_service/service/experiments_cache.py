"""A community's running experiments, kept per process for a few seconds.

Every feed and every slot batch asks which experiments are running (assignment.py); read from the database each
time, that is one more round trip on the hot path for a list that changes a few times a week. They are kept per
community for the pool's lifetime (RANKING_POOL_TTL_SECONDS: 5 s, 0 under APP_ENV=test), and dropped at once
when this process creates or changes an experiment (the store's change listener); another replica's change
reaches this one within the lifetime. Counting an arm's uses does not drop them: it changes nothing assignment
reads.
"""

from __future__ import annotations

import time

from bson import ObjectId

from distribution_service.store import DistributionStore, Doc


class RunningExperiments:
    def __init__(self, store: DistributionStore, *, ttl_seconds: float) -> None:
        self.store = store
        self.ttl_seconds = ttl_seconds
        # community -> (read at, its running experiments)
        self._kept: dict[ObjectId, tuple[float, list[Doc]]] = {}
        # community -> how many times it was invalidated: a read that started before an invalidation is not kept.
        self._generation: dict[ObjectId, int] = {}
        store.experiments.on_change(self.invalidate)

    async def running(self, cid: ObjectId) -> list[Doc]:
        """The community's running experiments, at most `ttl_seconds` old (the documents are shared: read only)."""
        if self.ttl_seconds <= 0:
            return await self.store.experiments.list_running(cid)
        clock = time.monotonic()
        kept = self._kept.get(cid)
        if kept is not None and clock - kept[0] < self.ttl_seconds:
            return kept[1]
        generation = self._generation.get(cid, 0)
        running = await self.store.experiments.list_running(cid)
        if self._generation.get(cid, 0) == generation:
            self._kept[cid] = (clock, running)
        return running

    def invalidate(self, cid: ObjectId) -> None:
        """An experiment of the community was created or changed here: the next read goes to the database."""
        self._generation[cid] = self._generation.get(cid, 0) + 1
        self._kept.pop(cid, None)
