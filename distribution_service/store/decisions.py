"""Decision logs: what each feed or slot run ranked and showed, and why (the next model's training data).

A decision flagged IMPRESSIONS_COUNTED is the record of its impressions: each shown item is one IMPRESSION of the
member at the decision's `at`, counted by the ingest worker (item counters) and never stored as an event. Readers
of served impressions (figures, experiment readouts, training) read them here (`list_impressions_between`,
`count_impressions_between`), beside the IMPRESSION events in `events`: those a client recorded, and those an
older version stored for its unflagged decisions, so each impression is read from exactly one of the two.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bson import ObjectId
from pymongo import ASCENDING, InsertOne
from pymongo.asynchronous.client_session import AsyncClientSession as Session
from pymongo.asynchronous.database import AsyncDatabase

from distribution_service.domain.honeycomb import EventType
from distribution_service.store.base import Doc
from distribution_service.store.client_inserts import insert_all
from distribution_service.store.decisions_reach import DecisionReachStore
from infra.indexes import IndexPlan

DECISION_BATCH = 500
# A decision whose shown items are its impressions (not stored as events): see the module's docstring.
IMPRESSIONS_COUNTED = "impressions_counted"
# What a decision's shown entry keeps of its item for the impressions read from it (a deleted item's snapshot).
SHOWN_ITEM_FIELDS = ("tags", "author_id", "kind")
# What reading a decision's impressions needs of it.
IMPRESSION_PROJECTION: Doc = {
    "member_id": 1,
    "at": 1,
    **{f"shown.{f}": 1 for f in ("content_id", *SHOWN_ITEM_FIELDS)},
}


def impressions_of(decision: Doc) -> list[Doc]:
    """A counted decision's impressions, shaped as the IMPRESSION events an older version stored for it (what
    `EventsStore.list_events_between` answers): one per shown item, at the decision's `at`."""
    return [
        {
            "member_id": decision["member_id"],
            "content_id": shown["content_id"],
            "type": EventType.IMPRESSION.value,
            "occurred_at": decision["at"],
            "decision_id": decision["_id"],
            **{f: shown[f] for f in SHOWN_ITEM_FIELDS if f in shown},
        }
        for shown in decision.get("shown", [])
    ]


class DecisionsStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.decisions = db["decisions"]
        # Each community's members shown something, as the last slot reach read found them (by `_id`, no index).
        self.reach = DecisionReachStore(db)

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # list_decision_heads_between: a community's decisions over a window (get_decision reads by `_id`).
        indexes.add(self.decisions, [("community_id", ASCENDING), ("at", ASCENDING)], name="community_at")
        # list_experiment_decisions: one experiment version's decisions since a moment.
        indexes.add(
            self.decisions,
            [("community_id", ASCENDING), ("experiment_version", ASCENDING), ("at", ASCENDING)],
            name="community_experiment_at",
        )
        # list_shadow_decisions: one shadow version's decisions.
        indexes.add(
            self.decisions,
            [("community_id", ASCENDING), ("shadow_version", ASCENDING), ("at", ASCENDING)],
            name="community_shadow_at",
        )
        await indexes.create()

    async def insert_decisions(self, docs: list[Doc], also: Sequence[InsertOne[Doc]] = ()) -> None:
        """The decisions, and `also` (inserts naming their own collection: the impressions' outbox entries), in one
        transaction: a decision flagged IMPRESSIONS_COUNTED is stored if and only if the entry its impressions are
        counted from is, so a crash or a refused write between the two can neither lose nor double them. One
        client-level bulk write in it (two round trips with the commit: everything a feed writes)."""
        if not also:
            if docs:
                await self.decisions.insert_many(docs, ordered=False)
            return
        writes = [*(InsertOne(d, namespace=self.decisions.full_name) for d in docs), *also]
        client = self.decisions.database.client

        async def write(session: Session) -> None:
            await insert_all(client, writes, ordered=False, session=session)

        # Not causally consistent: a retried transaction would send its bulk write `readConcern.afterClusterTime`,
        # which SecantusDB's `bulkWrite` refuses (store/events.py, `run_transaction`).
        async with client.start_session(causal_consistency=False) as session:
            await session.with_transaction(write)

    async def list_impressions_between(self, community_id: ObjectId, since: datetime, until: datetime) -> list[Doc]:
        """The impressions of the counted decisions made in [since, until) (`impressions_of`). On community_at: the
        flag is tested here (SecantusDB plans no index for a filter with a field beyond the index's)."""
        cursor = self.decisions.find(
            {"community_id": community_id, "at": {"$gte": since, "$lt": until}},
            projection={**IMPRESSION_PROJECTION, IMPRESSIONS_COUNTED: 1},
        )
        return [
            impression async for doc in cursor if doc.get(IMPRESSIONS_COUNTED) for impression in impressions_of(doc)
        ]

    async def count_impressions_between(self, community_id: ObjectId, since: datetime, until: datetime) -> int:
        """How many impressions the counted decisions made in [since, until) hold (community_at serves the first
        $match, the second picks the counted ones)."""
        pipeline: list[Doc] = [
            {"$match": {"community_id": community_id, "at": {"$gte": since, "$lt": until}}},
            {"$match": {IMPRESSIONS_COUNTED: True}},
            {"$group": {"_id": None, "n": {"$sum": {"$size": {"$ifNull": ["$shown", []]}}}}},
        ]
        rows = [doc async for doc in await self.decisions.aggregate(pipeline)]
        return int(rows[0]["n"]) if rows else 0

    async def list_shown_members(self, community_id: ObjectId, since: datetime) -> list[str]:
        """Members a counted decision showed something to since `since`, sorted: with the members of `events`
        since then, who an older version's stored impressions named (community_at serves the first $match)."""
        pipeline: list[Doc] = [
            {"$match": {"community_id": community_id, "at": {"$gte": since}}},
            {"$match": {IMPRESSIONS_COUNTED: True, "shown.0": {"$exists": True}}},
            {"$group": {"_id": "$member_id"}},
        ]
        return sorted([str(doc["_id"]) async for doc in await self.decisions.aggregate(pipeline)])

    async def list_shown_member_times(self, community_id: ObjectId, since: datetime) -> dict[str, datetime]:
        """`list_shown_members` with when each member was last shown something (their newest counted decision's
        `at`): what service/shown_members.py keeps between reads (community_at serves the first $match)."""
        pipeline: list[Doc] = [
            {"$match": {"community_id": community_id, "at": {"$gte": since}}},
            {"$match": {IMPRESSIONS_COUNTED: True, "shown.0": {"$exists": True}}},
            {"$group": {"_id": "$member_id", "last": {"$max": "$at"}}},
        ]
        return {str(doc["_id"]): doc["last"] async for doc in await self.decisions.aggregate(pipeline)}

    async def first_impression_time(self, community_id: ObjectId) -> datetime | None:
        """When the community's first counted decision that showed something was made (its impressions' time;
        community_at serves the first $match)."""
        pipeline: list[Doc] = [
            {"$match": {"community_id": community_id}},
            {"$match": {IMPRESSIONS_COUNTED: True, "shown.0": {"$exists": True}}},
            {"$group": {"_id": None, "first": {"$min": "$at"}}},
        ]
        rows = [doc async for doc in await self.decisions.aggregate(pipeline)]
        return rows[0]["first"] if rows else None

    async def get_decision(self, community_id: ObjectId, decision_id: ObjectId) -> Doc | None:
        # By `_id` alone (SecantusDB's point lookup); the community is checked here, so no tenant reads another's.
        doc = await self.decisions.find_one({"_id": decision_id})
        return doc if doc is not None and doc.get("community_id") == community_id else None

    async def list_experiment_decisions(self, community_id: ObjectId, version: str, since: datetime) -> list[Doc]:
        cursor = self.decisions.find(
            {"community_id": community_id, "experiment_version": version, "at": {"$gte": since}},
            projection={"experiment_arm": 1, "member_id": 1, "shown.content_id": 1},
        )
        return [doc async for doc in cursor]

    async def list_decision_heads_between(self, community_id: ObjectId, since: datetime, until: datetime) -> list[Doc]:
        """The window's decisions without their arrays (id, member, moment): a few dozen bytes each."""
        cursor = self.decisions.find(
            {"community_id": community_id, "at": {"$gte": since, "$lt": until}},
            projection={"member_id": 1, "at": 1, "made_at": 1},
        )
        return [doc async for doc in cursor]

    async def list_decisions_by_ids(self, community_id: ObjectId, decision_ids: list[ObjectId]) -> list[Doc]:
        """Whole decisions, read DECISION_BATCH at a time by `_id` (SecantusDB's point lookup); the community is
        checked here."""
        found: list[Doc] = []
        for lo in range(0, len(decision_ids), DECISION_BATCH):
            cursor = self.decisions.find({"_id": {"$in": decision_ids[lo : lo + DECISION_BATCH]}})
            found += [doc async for doc in cursor if doc.get("community_id") == community_id]
        return found

    async def list_shadow_decisions(self, community_id: ObjectId, version: str) -> list[Doc]:
        """A shadow version's decisions: who, when, what the live model showed and what the shadow would have."""
        cursor = self.decisions.find(
            {"community_id": community_id, "shadow_version": version},
            projection={
                "member_id": 1,
                "at": 1,
                "made_at": 1,
                "model_version": 1,
                "shown.content_id": 1,
                "shadow_ranking": 1,
            },
        )
        return [doc async for doc in cursor]

    async def list_interleaved_decisions(self, community_id: ObjectId, experiment_id: ObjectId) -> list[Doc]:
        """An interleaving experiment's decisions and which ranker placed each item (on community_experiment_at:
        such a decision's `experiment_version` names the experiment, as only one ranker experiment ranks it)."""
        cursor = self.decisions.find(
            {"community_id": community_id, "experiment_version": interleaving_version(experiment_id)},
            projection={"interleaving": 1, "member_id": 1},
        )
        return [doc async for doc in cursor]


def interleaving_version(experiment_id: ObjectId) -> str:
    """The `experiment_version` of decisions an interleaving experiment ranked."""
    return f"interleaving:{experiment_id}"
