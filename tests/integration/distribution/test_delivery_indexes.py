"""Deliveries' indexes on a database an older version built: start-up drops the retired ones (idempotently), the
unique index that replaces them still refuses a second delivery, and the finders still read on an index."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING

from distribution_service.store.deliveries import EXACTLY_ONCE_INDEX, DeliveriesStore
from tests.query_plans import plan_probe

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
# What the previous version built on `deliveries` (besides `_id_` and the mail hand-off's index).
OLD_INDEXES: list[tuple[list[tuple[str, int]], dict[str, Any]]] = [
    (
        [("community_id", ASCENDING), ("member_id", ASCENDING), ("slot", ASCENDING), ("day", ASCENDING)],
        {"unique": True, "name": "community_member_slot_day_unique"},
    ),
    (
        [("community_id", ASCENDING), ("slot", ASCENDING), ("day", ASCENDING), ("member_id", ASCENDING)],
        {"name": "community_slot_day_member"},
    ),
    (
        [("community_id", ASCENDING), ("member_id", ASCENDING), ("created_at", DESCENDING)],
        {"name": "community_member_created_at"},
    ),
    ([("community_id", ASCENDING), ("slot", ASCENDING)], {"name": "community_slot"}),
    ([("community_id", ASCENDING), ("created_at", ASCENDING)], {"name": "community_created_at"}),
]


def delivery(community: ObjectId, member: ObjectId, day: str) -> dict[str, object]:
    return {
        "community_id": community,
        "member_id": member,
        "slot": "MORNING",
        "day": day,
        "items": [],
        "created_at": NOW,
        "opened_at": None,
        "shared_at": None,
    }


async def test_start_up_drops_the_retired_indexes_and_keeps_deliveries_unique(mongo_uri: str) -> None:
    async with plan_probe(mongo_uri) as probe:
        store = DeliveriesStore(probe.db)
        for keys, options in OLD_INDEXES:
            await store.deliveries.create_index(keys, **options)
        community, members = ObjectId(), [ObjectId() for _ in range(4)]
        assert await store.insert_deliveries([delivery(community, m, "2026-11-01") for m in members]) == 4

        await store.ensure_indexes()
        await store.ensure_indexes()  # idempotent: a second start finds nothing left to drop

        names = set(await store.deliveries.index_information())
        assert names == {
            "_id_",
            EXACTLY_ONCE_INDEX,
            "community_member_created_at",
            "community_created_at",
            "mail_state_next",
        }
        # The replacement still makes a re-run deliver nothing twice, and reads which members are done.
        again = [delivery(community, m, "2026-11-01") for m in members] + [
            delivery(community, members[0], "2026-11-02")
        ]
        assert await store.insert_deliveries(again) == 1
        assert await store.deliveries.count_documents({}) == 5
        probe.clear()
        done = await store.list_delivered_members(community, "MORNING", "2026-11-01", members[:2])
        assert done == {str(m) for m in members[:2]}
        assert await probe.plans() == [f"IXSCAN {EXACTLY_ONCE_INDEX}"]


async def test_a_new_database_builds_only_the_current_indexes(mongo_uri: str) -> None:
    async with plan_probe(mongo_uri) as probe:
        store = DeliveriesStore(probe.db)
        await store.ensure_indexes()
        indexes = await store.deliveries.index_information()
        assert set(indexes) == {
            "_id_",
            EXACTLY_ONCE_INDEX,
            "community_member_created_at",
            "community_created_at",
            "mail_state_next",
        }
        assert indexes[EXACTLY_ONCE_INDEX].get("unique") is True
