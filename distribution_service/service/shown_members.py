"""Members shown something since a moment, kept per community between slot runs and read incrementally.

A slot run reaches the members a counted decision showed something to in the last 90 days (served impressions are
their decisions, not events). Read whole, that is every decision of 90 days: about 0.05 ms of database CPU per
decision on SecantusDB, and a community of 100,000 members logs ~300,000 slot decisions a day, so the read grew with
the log, not with the community. Here the first read of a community is whole; later reads take only the decisions
since the previous read, less OVERLAP (from the shown log where it covers them, store/shown_log.py: the ingest
worker's small entries instead of the decisions themselves), and merge them into each member's last-shown time;
members whose last time fell out of the window are dropped. Each read is also stored (store/decisions_reach.py): a
process that knows nothing of a community yet (a cron's one-shot `--partition` worker) starts from the stored read and
reads only the decisions since, as the in-process scheduler and a service answering `slot_members` do from memory.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bson import ObjectId

from distribution_service.store.decisions import DecisionsStore
from distribution_service.store.decisions_reach import DecisionReachStore, StoredReach
from distribution_service.store.shown_log import ShownLogStore
from infra.moments import as_utc

# A decision's `at` is its pool's moment: a slot chunk's pool is up to 10 minutes old when it decides, and the
# write follows. An incremental read starts this far before the previous one, so a decision stored after that read
# with an earlier `at` is still found (reading one twice is harmless: the merge keeps the latest time).
OVERLAP = timedelta(hours=1)


@dataclass
class _Known:
    covered_from: datetime
    read_at: datetime
    last_shown: dict[str, datetime] = field(default_factory=dict)


class ShownMembers:
    def __init__(
        self,
        decisions: DecisionsStore,
        *,
        overlap: timedelta = OVERLAP,
        kept: DecisionReachStore | None = None,
        log: ShownLogStore | None = None,
    ) -> None:
        self.decisions = decisions
        # Who was shown something, logged by the ingest worker (None: the decisions are read each time).
        self.log = log
        self.overlap = overlap
        # Where each read is stored for the next process (None: memory only).
        self.kept = kept
        self._known: dict[ObjectId, _Known] = {}
        self._locks: dict[ObjectId, asyncio.Lock] = {}

    async def since(self, cid: ObjectId, since: datetime, now: datetime | None = None) -> set[str]:
        """Members a counted decision made at or after `since` showed something to (as the whole read answers,
        up to decisions stored more than OVERLAP late)."""
        async with self._locks.setdefault(cid, asyncio.Lock()):
            now = now or datetime.now(UTC)
            known = self._known.get(cid)
            if known is None and self.kept is not None:
                stored = await self.kept.load(cid)
                known = _Known(stored.covered_from, stored.read_at, stored.last_shown) if stored else None
            if known is None or since < known.covered_from:
                known = _Known(since, now, await self.decisions.list_shown_member_times(cid, since))
            else:
                found = await self._since_read(cid, known, since, now)
                for member, at in found.items():
                    if member not in known.last_shown or as_utc(at) > as_utc(known.last_shown[member]):
                        known.last_shown[member] = at
                known.read_at = now
                known.covered_from = since
            known.last_shown = {m: at for m, at in known.last_shown.items() if as_utc(at) >= since}
            self._known[cid] = known
            if self.kept is not None:
                await self.kept.save(cid, StoredReach(known.covered_from, known.read_at, known.last_shown))
            return set(known.last_shown)

    async def _since_read(self, cid: ObjectId, known: _Known, since: datetime, now: datetime) -> dict[str, datetime]:
        """Members shown something since the previous read, less OVERLAP: from the shown log where it is complete
        from then on (store/shown_log.py: a few hundred small entries for 100,000 members), else from the decisions."""
        start = known.read_at - self.overlap
        if self.log is not None:
            logged = await self.log.member_times(cid, written_since=start, shown_since=since, now=now)
            if logged is not None:
                return logged
        return await self.decisions.list_shown_member_times(cid, max(since, start))
