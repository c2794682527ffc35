"""A community's running experiments, kept per process for a few seconds.

Every feed and every slot batch asks which experiments are running (assignment.py); read from the database each
time, that is one more round trip on the hot path for a list that changes a few times a week. They are kept per
community for the pool's lifetime (RANKING_POOL_TTL_SECONDS: 5 s, 0 under APP_ENV=test), and dropped at once
when this process creates or changes an experiment (the store's change listener); another replica's change
reaches this one within the lifetime. Counting an arm's uses does not drop them: it changes nothing assignment
reads.
"""

from __future__ import annotations

from bson import ObjectId

from distribution_service.store import DistributionStore, Doc
from infra.kept import KeptPerKey


class RunningExperiments:
    def __init__(self, store: DistributionStore, *, ttl_seconds: float) -> None:
        self.store = store
        self._kept: KeptPerKey[ObjectId, list[Doc]] = KeptPerKey(ttl_seconds)
        store.experiments.on_change(self.invalidate)

    async def running(self, cid: ObjectId) -> list[Doc]:
        """The community's running experiments, at most `ttl_seconds` old (the documents are shared: read only)."""
        return await self._kept.get(cid, lambda: self.store.experiments.list_running(cid))

    def invalidate(self, cid: ObjectId) -> None:
        """An experiment of the community was created or changed here: the next read goes to the database."""
        self._kept.drop(cid)
