"""Who was shown something, and when, logged by the ingest worker: what the slot reach reads instead of the decisions
themselves (service/shown_members.py).

The reach's incremental read took every counted decision since the previous read, less an hour: right after a slot
run, every decision that run made (~7 KB each with its packed features), fetched whole and matched by the server,
about 0.15 ms of database CPU a decision; a 100,000-member run's next partition or next slot read all of them again.
A decision's impressions reach the worker in an outbox entry (store/event_outbox.py, COUNTED), which now also names
the members shown and when (`member_ids`, `shown_at`). The worker's take, which counts those impressions, writes in
the same transaction one entry here per community: the members and their latest times, packed as
store/decisions_reach.py packs a reach. A read takes the entries written since a moment (`community_written_at`): a
few for a whole run, where the decisions read fetched 100,000. A feed's write carries the same members it always
stored, so a feed pays nothing more than their bytes in its entry.

A member is in the log once the worker has counted the decision's impressions (the ingest lag: a second or two, longer
under a backlog): a read meanwhile misses them, the next read (from the previous one less the hour) finds them. The
log answers for a moment only when it is complete from then on: from the start on a database that had no decision
when this version first started on it, else from COVERAGE_GRACE after that start (older processes of a rolling deploy
wrote and took entries without members meanwhile), and from the latest take of an entry that names no members (an
older version's, written or left in a backlog: `gap`); and within the KEEP its TTL index leaves. Otherwise
`member_times` answers None and the caller reads the decisions. What the log cannot see is a worker of an older
version taking this version's entries after the grace (a rollout slower than COVERAGE_GRACE) or while a rollback
runs: after either, delete the `shown_log_coverage` document; the next start marks it again, from then.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

from bson import Binary, ObjectId
from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession as Session
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from distribution_service.store.base import Doc
from distribution_service.store.decisions_reach import pack, unpack
from infra.indexes import IndexPlan
from infra.moments import as_utc

# Entries are kept this long (a TTL index): a reach kept longer ago than this reads the decisions once.
KEEP = timedelta(days=7)
# Reads start no closer than this to the TTL's edge (its sweep runs every minute or so, and clocks differ).
KEEP_MARGIN = timedelta(hours=1)
# From the first start of this version, how long processes of the version before (no entries) may still write.
COVERAGE_GRACE = timedelta(minutes=15)
COVERAGE_ID = "complete_since"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class ShownLogStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.entries = db["shown_log"]
        self.coverage = db["shown_log_coverage"]
        # Only asked whether any decision exists yet (mark_start): the decisions belong to store/decisions.py.
        self.decisions = db["decisions"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # member_times: one community's entries written since a moment.
        indexes.add(self.entries, [("community_id", ASCENDING), ("written_at", ASCENDING)], name="community_written_at")
        indexes.add(
            self.entries,
            [("written_at", ASCENDING)],
            name="written_at_ttl",
            expireAfterSeconds=int(KEEP.total_seconds()),
        )
        await indexes.create()
        await self.mark_start(decisions_exist=await self.decisions.find_one({}, {"_id": 1}) is not None)

    async def mark_start(self, *, decisions_exist: bool) -> None:
        """Record, once per database, from when the log is complete: from the start on a database with no decision
        yet, else COVERAGE_GRACE after the first start of a version that writes it (processes starting together: the
        first to insert wins, the others keep its time)."""
        since = datetime.now(UTC) + COVERAGE_GRACE if decisions_exist else EPOCH
        with contextlib.suppress(DuplicateKeyError):  # another process's upsert won the race: its time stands
            await self.coverage.update_one({"_id": COVERAGE_ID}, {"$setOnInsert": {"at": since}}, upsert=True)

    async def complete_since(self) -> datetime | None:
        """From when every counted decision's members are logged (None: not marked yet). Read at each use: a take of
        an older version's entry moves it (`gap`)."""
        doc = await self.coverage.find_one({"_id": COVERAGE_ID})
        return as_utc(doc["at"]) if doc is not None else None

    async def gap(self, session: Session) -> None:
        """In the worker's take: it counted impressions whose members it cannot name (an older version's entry), so
        the log is complete only from now on."""
        await self.coverage.update_one(
            {"_id": COVERAGE_ID}, {"$max": {"at": datetime.now(UTC)}}, upsert=True, session=session
        )

    async def record(self, shown: dict[ObjectId, dict[ObjectId, datetime]], session: Session) -> None:
        """In the worker's take (its transaction): one entry per community of the members shown and their latest
        times."""
        if not shown:
            return
        written_at = datetime.now(UTC)
        entries: list[Doc] = []
        for community_id, members in shown.items():
            ids, times = pack({str(member): at for member, at in members.items()})
            entries.append(
                {
                    "community_id": community_id,
                    "written_at": written_at,
                    "members": len(members),
                    "member_ids": Binary(ids),
                    "shown_at": Binary(times),
                }
            )
        await self.entries.insert_many(entries, session=session)

    async def member_times(
        self, community_id: ObjectId, *, written_since: datetime, shown_since: datetime, now: datetime
    ) -> dict[str, datetime] | None:
        """Each member shown something at or after `shown_since` by a decision written at or after `written_since`,
        with their latest time; None when the log is not complete from `written_since` (read the decisions)."""
        complete = await self.complete_since()
        if complete is None or written_since < complete or written_since < now - KEEP + KEEP_MARGIN:
            return None
        found: dict[str, datetime] = {}
        cursor = self.entries.find(
            {"community_id": community_id, "written_at": {"$gte": written_since}},
            projection={"member_ids": 1, "shown_at": 1},
        )
        async for entry in cursor:
            for member, at in unpack(entry["member_ids"], entry["shown_at"]).items():
                if at >= shown_since and (member not in found or at > found[member]):
                    found[member] = at
        return found
