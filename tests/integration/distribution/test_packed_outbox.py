"""A recorded batch's outbox entry holds its events packed (one BSON binary, store/event_outbox.py); entries an older
version wrote with an `events` array are still taken and counted once, beside packed ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bson import ObjectId

from distribution_service.service.ingest_worker import IngestWorker
from distribution_service.store import DistributionStore
from distribution_service.store.event_outbox import PACKED, outbox_event
from tests.integration.distribution.test_ingest import events, opens, recent_entries


async def test_a_recorded_batch_is_one_packed_entry_that_unpacks_to_its_events(store: DistributionStore) -> None:
    community, item = ObjectId(), ObjectId()
    stored = await store.events.insert_events(events(community, item, 3))
    # then: one entry, no array of documents the database would decode at every read
    entries = [e async for e in store.events.outbox.entries.find({})]
    assert len(entries) == 1
    assert set(entries[0]) == {"_id", "key", PACKED}
    assert isinstance(entries[0][PACKED], bytes)  # a binary (subtype 0) reads as bytes
    # when: the worker lists it
    pending = await store.events.list_pending(datetime.now(UTC) + timedelta(seconds=2), 1000)
    # then: its events, decoded as the collection decodes them (the same times as the stored events read back)
    listed = pending.entries[0]["events"]
    assert [e["_id"] for e in listed] == [i for i, _ in stored]
    read_back = {e["_id"]: e["occurred_at"] async for e in store.events.events.find({"community_id": community})}
    assert [e["occurred_at"] for e in listed] == [read_back[i] for i, _ in stored]
    assert await IngestWorker(store, interval=0).drain() == 3
    assert await opens(store, community, item) == 3


async def test_an_older_versions_array_entry_and_packed_ones_are_each_counted_once(store: DistributionStore) -> None:
    community, item = ObjectId(), ObjectId()
    old = events(community, item, 4)
    for doc in old:
        doc |= {"_id": ObjectId(), "engaged": True, "received_at": doc["occurred_at"]}
    await store.events.events.insert_many(old)
    key = ObjectId()
    # an entry as the version before packed entries wrote it, then two recorded batches
    await store.events.outbox.entries.insert_one({"_id": key, "key": key, "events": [outbox_event(d) for d in old]})
    await store.events.insert_events(events(community, item, 10)[4:7])
    await store.events.insert_events(events(community, item, 10)[7:])
    # when: takes of one entry each, then another run
    assert await IngestWorker(store, interval=0, batch_size=1).drain() == 10
    assert await IngestWorker(store, interval=0).drain() == 0
    # then
    assert await opens(store, community, item) == 10
    assert await recent_entries(store, community) == 10
    assert await store.events.outbox.entries.count_documents({}) == 0


async def test_the_member_recent_backfill_leaves_packed_entries_events_to_the_worker(store: DistributionStore) -> None:
    community, item = ObjectId(), ObjectId()
    stored = await store.events.insert_events(events(community, item, 2))
    # when: the backfill asks what waits in the outbox
    pending = await store.transaction(lambda session: store.events.outbox.pending_event_ids(session))
    # then
    assert pending == {i for i, _ in stored}
