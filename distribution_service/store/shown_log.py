"""Who each write of counted decisions showed something to, and when: a small log that the slot reach reads instead
of the decisions themselves (service/shown_members.py).

The reach's incremental read took every counted decision since the previous read, less an hour: right after a slot
run, every decision that run made (~7 KB each with its packed features), fetched whole and matched by the server, about
0.15 ms of database CPU a decision; a 100,000-member run's next partition or next slot read all of them again.
`DecisionsStore.insert_decisions` now also writes, in the same transaction, one entry per community of the
decisions that showed something: their members and decision times (`at`), packed as store/decisions_reach.py packs a
reach. A read takes the entries written since a moment (`community_written_at`): a few hundred for 100,000 members.

The log answers for a moment only when it is complete from then on: from the start on a database that had no decision
when this version first started on it, else from COVERAGE_GRACE after that start (older processes of a rolling deploy
wrote decisions without entries meanwhile); and within the KEEP its TTL index leaves. Otherwise `member_times`
answers None and the caller reads the decisions.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bson import Binary, ObjectId
from pymongo import ASCENDING, InsertOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from distribution_service.store.base import Doc
from distribution_service.store.decisions_reach import pack, unpack
from infra.indexes import IndexPlan

# Entries are kept this long (a TTL index): a reach kept longer ago than this reads the decisions once.
KEEP = timedelta(days=7)
# Reads start no closer than this to the TTL's edge (its sweep runs every minute or so, and clocks differ).
KEEP_MARGIN = timedelta(hours=1)
# From the first start of this version, how long processes of the version before (no entries) may still write.
COVERAGE_GRACE = timedelta(minutes=15)
COVERAGE_ID = "complete_since"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _aware(at: datetime) -> datetime:
    """Stored times come back naive (UTC) unless the client is tz-aware."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


class ShownLogStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.entries = db["shown_log"]
        self.coverage = db["shown_log_coverage"]
        self._complete_since: datetime | None = None

    def add_indexes(self, indexes: IndexPlan) -> None:
        # member_times: one community's entries written since a moment.
        indexes.add(self.entries, [("community_id", ASCENDING), ("written_at", ASCENDING)], name="community_written_at")
        indexes.add(
            self.entries,
            [("written_at", ASCENDING)],
            name="written_at_ttl",
            expireAfterSeconds=int(KEEP.total_seconds()),
        )

    async def mark_start(self, *, decisions_exist: bool, now: datetime | None = None) -> None:
        """Record, once per database, from when the log is complete: from the start on a database with no decision
        yet, else COVERAGE_GRACE after the first start of a version that writes it (processes starting together: the
        first to insert wins, the others keep its time)."""
        since = (now or datetime.now(UTC)) + COVERAGE_GRACE if decisions_exist else EPOCH
        try:
            await self.coverage.update_one({"_id": COVERAGE_ID}, {"$setOnInsert": {"at": since}}, upsert=True)
        except DuplicateKeyError:
            pass

    async def complete_since(self) -> datetime | None:
        """From when every counted decision has its entry (None: not marked yet); read once, it never moves."""
        if self._complete_since is None:
            doc = await self.coverage.find_one({"_id": COVERAGE_ID})
            self._complete_since = _aware(doc["at"]) if doc is not None else None
        return self._complete_since

    def inserts(
        self, shown: list[tuple[ObjectId, ObjectId, datetime]], now: datetime | None = None
    ) -> list[InsertOne[Doc]]:
        """One entry per community for these (community, member, decision time) triples, for the decisions' bulk
        write; a member shown twice keeps the later time."""
        written_at = now or datetime.now(UTC)
        by_community: dict[ObjectId, dict[str, datetime]] = {}
        for community_id, member_id, at in shown:
            members = by_community.setdefault(community_id, {})
            key = str(member_id)
            if key not in members or _aware(at) > _aware(members[key]):
                members[key] = at
        inserts: list[InsertOne[Doc]] = []
        for community_id, members in by_community.items():
            ids, times = pack(members)
            entry: Doc = {
                "community_id": community_id,
                "written_at": written_at,
                "members": len(members),
                "member_ids": Binary(ids),
                "shown_at": Binary(times),
            }
            inserts.append(InsertOne(entry, namespace=self.entries.full_name))
        return inserts

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
