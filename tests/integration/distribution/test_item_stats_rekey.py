"""item_stats keyed by item: the counters are found by `_id` "<community>:<content>" (no secondary index), each
community's items listed apart, and documents an older version keyed by an ObjectId re-keyed once at start-up
(store/item_stats_rekey.py), safely repeated and raced."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from bson import ObjectId
from pymongo import ASCENDING

from distribution_service.service.ingest_worker import IngestWorker
from distribution_service.store import DistributionStore, Doc, item_counters, item_stats_rekey
from distribution_service.store.community_items import item_key

TODAY = datetime.now(UTC).date().isoformat()


async def older_versions_counters(store: DistributionStore, community: ObjectId, items: list[ObjectId]) -> None:
    """item_stats as an older version left it: ObjectId `_id`s, the unique index, no listing, not re-keyed."""
    stats = store.events.counters.item_stats
    await stats.create_index(
        [("community_id", ASCENDING), ("content_id", ASCENDING)], unique=True, name="community_content_unique"
    )
    await stats.insert_many(
        [
            {
                "community_id": community,
                "content_id": item,
                "counts": {"CLICK": n + 1},
                "engagement": float(n + 1),
                "days": {TODAY: float(n + 1)},
            }
            for n, item in enumerate(items)
        ]
    )
    await store.events.migrate.done.delete_one({"_id": "item_stats_ids"})


async def all_stats(store: DistributionStore) -> list[Doc]:
    return [doc async for doc in store.events.counters.item_stats.find({}).sort("content_id", ASCENDING)]


async def test_an_older_versions_counters_are_rekeyed_listed_and_read_as_before(store: DistributionStore) -> None:
    community, items = ObjectId(), [ObjectId() for _ in range(5)]
    await older_versions_counters(store, community, items)
    # when
    await store.events.migrate.rekey_item_stats()
    # then: one document per item, under its key, its counters untouched
    docs = await all_stats(store)
    assert [d["_id"] for d in docs] == [item_key(community, i) for i in items]
    assert [d["counts"] for d in docs] == [{"CLICK": n + 1} for n in range(5)]
    assert "community_content_unique" not in await store.events.counters.item_stats.index_information()
    assert await store.events.migrate.done.find_one({"_id": "item_stats_ids", "done": True}) is not None
    # and every reader sees them
    stats = await store.events.list_item_stats(community, items)
    assert {k: v["engagement"] for k, v in stats.items()} == {str(i): float(n + 1) for n, i in enumerate(items)}
    assert await store.events.list_item_engagement(community) == {str(i): float(n + 1) for n, i in enumerate(items)}
    since = datetime.now(UTC) - timedelta(days=1)
    assert await store.events.sum_recent_engagement(community, items[:2], since) == {
        str(items[0]): 1.0,
        str(items[1]): 2.0,
    }
    # and the worker's next count lands on the same document
    await store.events.insert_events(
        [
            {"community_id": community, "member_id": ObjectId(), "content_id": items[0], "type": "CLICK"}
            | {"occurred_at": datetime.now(UTC)}
        ]
    )
    await IngestWorker(store, interval=0).drain()
    docs = await all_stats(store)
    assert len(docs) == 5
    assert docs[0]["counts"] == {"CLICK": 2}


async def test_rekeying_again_changes_nothing(store: DistributionStore) -> None:
    community, items = ObjectId(), [ObjectId() for _ in range(3)]
    await older_versions_counters(store, community, items)
    await store.events.migrate.rekey_item_stats()
    before = await all_stats(store)
    listed = await store.events.counters.listed.docs.count_documents({})
    # when: run again, marked done or not (a process that crashed before marking it)
    await store.events.migrate.rekey_item_stats()
    await store.events.migrate.done.delete_one({"_id": "item_stats_ids"})
    await store.events.migrate.rekey_item_stats()
    # then
    assert await all_stats(store) == before
    assert await store.events.counters.listed.docs.count_documents({}) == listed == 3


async def test_processes_rekeying_together_move_each_document_once(
    store: DistributionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(item_stats_rekey, "REKEY_BATCH", 4)
    community, items = ObjectId(), [ObjectId() for _ in range(30)]
    await older_versions_counters(store, community, items)
    other = DistributionStore(store.db)
    # when: two processes' start-ups at once, in batches of 4
    await asyncio.gather(store.events.migrate.rekey_item_stats(), other.events.migrate.rekey_item_stats())
    # then
    docs = await all_stats(store)
    assert [d["_id"] for d in docs] == [item_key(community, i) for i in items]
    assert sum(d["engagement"] for d in docs) == sum(range(1, 31))
    assert await store.events.counters.listed.docs.count_documents({"community_id": community}) == 30


async def test_an_items_first_count_lists_it_and_later_ones_do_not_write_the_listing(store: DistributionStore) -> None:
    community, other, item = ObjectId(), ObjectId(), ObjectId()
    event = {"community_id": community, "member_id": ObjectId(), "content_id": item, "type": "SHARE"}
    await store.events.insert_events([event | {"occurred_at": datetime.now(UTC)}])
    await IngestWorker(store, interval=0).drain()
    listing = store.events.counters.listed.docs
    first = await listing.find_one({"_id": item_key(community, item)})
    assert first == {"_id": item_key(community, item), "community_id": community, "content_id": item}
    # when counted again (recorded), and imported (no transaction: listed first)
    await store.events.insert_events([event | {"occurred_at": datetime.now(UTC)}])
    await IngestWorker(store, interval=0).drain()
    imported = ObjectId()
    imported_event = event | {"community_id": other, "content_id": imported, "occurred_at": datetime.now(UTC)}
    await store.events.add_to_item_stats(other, [imported_event])
    # then
    assert await listing.count_documents({"community_id": community}) == 1
    assert await store.events.list_item_engagement(community) == {str(item): 6.0}
    assert await store.events.list_item_engagement(other) == {str(imported): 3.0}
    assert await store.events.counters.item_stats.count_documents({}) == 2


async def test_a_large_communitys_engagement_is_read_in_slices_of_keys(
    store: DistributionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(item_counters, "LISTED_READ", 2)
    community, items = ObjectId(), [ObjectId() for _ in range(5)]
    now = datetime.now(UTC)
    events = [{"community_id": community, "content_id": i, "type": "CLICK", "occurred_at": now} for i in items]
    # when
    await store.events.add_to_item_stats(community, events)
    # then: three reads of 2, 2 and 1 keys find all five
    assert await store.events.list_item_engagement(community) == {str(i): 1.0 for i in items}
