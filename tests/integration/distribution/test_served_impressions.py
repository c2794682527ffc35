"""Served impressions (a feed's or a slot run's shown items) are counted from their decision's outbox entry and
stored nowhere: counted exactly once whatever stops the ingest worker, read once by every reader, and what an older
version stored or left to store is still stored and counted once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from bson import ObjectId
from pymongo import AsyncMongoClient
from pymongo.errors import InvalidOperation, PyMongoError

from distribution_service.service.figures import FiguresService
from distribution_service.service.ingest_worker import IngestWorker
from distribution_service.store import DistributionStore, Doc
from distribution_service.store.decisions import IMPRESSIONS_COUNTED
from distribution_service.store.decisions_reach import unpack
from distribution_service.store.event_outbox import STORE


class Crash(Exception):
    pass


def decision(community: ObjectId, member: ObjectId, items: list[ObjectId], at: datetime, *, counted: bool) -> Doc:
    """A decision as the ranker logs it (counted: this version; not: an older one's, whose impressions are events)."""
    shown = [
        {"content_id": c, "position": k, "tags": ["t"], "author_id": None, "kind": "UGC"} for k, c in enumerate(items)
    ]
    doc: Doc = {"_id": ObjectId(), "community_id": community, "member_id": member, "at": at, "shown": shown}
    return {**doc, IMPRESSIONS_COUNTED: True} if counted else doc


def impressions(doc: Doc) -> list[Doc]:
    """The impressions the ranker hands to `impressions_insert` for a decision."""
    return [
        {
            "community_id": doc["community_id"],
            "member_id": doc["member_id"],
            "content_id": s["content_id"],
            "type": "IMPRESSION",
            "occurred_at": doc["at"],
            "received_at": doc["at"],
            "decision_id": doc["_id"],
        }
        for s in doc["shown"]
    ]


async def serve(store: DistributionStore, docs: list[Doc]) -> None:
    """The ranker's one write: the decisions and their impressions' outbox entry."""
    entry = store.events.impressions_insert([i for d in docs for i in impressions(d)])
    await store.decisions.insert_decisions(docs, also=[entry])


async def counted(store: DistributionStore, community: ObjectId, items: list[ObjectId]) -> list[int]:
    stats = await store.events.list_item_stats(community, items)
    return [int(stats[str(i)]["counts"].get("IMPRESSION", 0)) if str(i) in stats else 0 for i in items]


async def test_a_decisions_impressions_are_counted_once_whether_the_worker_dies_before_or_after_the_drain(
    store: DistributionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    community, items = ObjectId(), [ObjectId() for _ in range(3)]
    at = datetime.now(UTC)
    await serve(store, [decision(community, ObjectId(), items[:2], at, counted=True) for _ in range(2)])
    await serve(store, [decision(community, ObjectId(), items[1:], at, counted=True)])
    real = store.events.derive_pending

    async def dies_before_the_commit(last_key: ObjectId, session: Any, known: Any = ()) -> list[Doc]:
        await real(last_key, session, known)
        raise Crash  # the counters were bumped in the transaction, which never commits

    monkeypatch.setattr(store.events, "derive_pending", dies_before_the_commit)
    with pytest.raises(Crash):
        await IngestWorker(store, interval=0, batch_size=4).drain()
    monkeypatch.setattr(store.events, "derive_pending", real)
    assert await counted(store, community, items) == [0, 0, 0]
    assert await store.events.outbox.entries.count_documents({}) == 2
    # The shown log (who was shown what, store/shown_log.py) is written in the same transaction: nothing yet.
    assert await store.events.shown_log.entries.count_documents({}) == 0
    # when: a restarted worker drains, then another one after it (as after a kill once the drain committed)
    assert await IngestWorker(store, interval=0, batch_size=4).drain() == 6
    assert await IngestWorker(store, interval=0).drain() == 0
    # then: each shown item counted once per decision, none stored as an event
    assert await counted(store, community, items) == [2, 3, 1]
    assert await store.events.events.count_documents({"type": "IMPRESSION"}) == 0
    # and: every member shown is logged once, by the take that counted them
    assert await logged_members(store, community) == await shown_to(store, community)
    # and: two replicas racing over new decisions count them once too, and log every member shown
    await serve(store, [decision(community, ObjectId(), items, at, counted=True) for _ in range(3)])
    a, b = IngestWorker(store, interval=0, batch_size=3), IngestWorker(store, interval=0, batch_size=3)
    await asyncio.gather(a.drain(), b.drain())
    assert await counted(store, community, items) == [5, 6, 4]
    assert await logged_members(store, community) == await shown_to(store, community)


async def logged_members(store: DistributionStore, community: ObjectId) -> list[str]:
    """Every member the shown log names for the community, as often as its entries name them."""
    entries = store.events.shown_log.entries.find({"community_id": community})
    return sorted([member async for e in entries for member in unpack(e["member_ids"], e["shown_at"])])


async def shown_to(store: DistributionStore, community: ObjectId) -> list[str]:
    """Every member a counted decision showed something to (each decision here is another member's)."""
    return sorted([str(d["member_id"]) async for d in store.decisions.decisions.find({"community_id": community})])


async def test_impressions_an_older_version_stored_or_left_to_store_are_read_and_counted_once(
    store: DistributionStore,
) -> None:
    community, items = ObjectId(), [ObjectId() for _ in range(2)]
    at = datetime.now(UTC) - timedelta(hours=1)
    old, pending, new = (ObjectId() for _ in range(3))
    # an older version's decision whose impressions it stored as events (counted back then)
    stored = decision(community, old, items, at, counted=False)
    await store.decisions.insert_decisions([stored])
    await store.events.events.insert_many([{**i, "_id": ObjectId(), "engaged": False} for i in impressions(stored)])
    # an older version's decision whose impressions wait in an entry flagged to be stored (the previous write)
    waiting = decision(community, pending, items, at, counted=False)
    legacy = [{**i, "_id": ObjectId(), "engaged": False, "position": 0} for i in impressions(waiting)]
    key = ObjectId()
    await store.decisions.insert_decisions([waiting])
    await store.events.outbox.entries.insert_one({"_id": key, "key": key, "events": legacy, STORE: True})
    # this version's decision, and an impression a client recorded itself (a stored event, as ever)
    await serve(store, [decision(community, new, items[:1], at, counted=True)])
    recorded = {"community_id": community, "member_id": new, "content_id": items[1], "type": "IMPRESSION"}
    await store.events.insert_events([{**recorded, "occurred_at": at, "client_event_id": "sdk-1"}])
    # when
    assert await IngestWorker(store, interval=0).drain() == 2 + 1 + 1
    assert await IngestWorker(store, interval=0).drain() == 0
    # then: the waiting ones stored once; the worker counted what it derived once (the stored ones were counted then)
    assert await store.events.events.count_documents({"type": "IMPRESSION"}) == 2 + 2 + 1
    assert await counted(store, community, items) == [2, 2]
    # and: every reader sees each impression once (2 stored + 2 stored now + 1 recorded + 1 counted decision)
    figures = await FiguresService(store).engagement(community, datetime.now(UTC))
    assert figures.impressions == 6
    read = await store.decisions.list_impressions_between(community, at - timedelta(minutes=1), datetime.now(UTC))
    assert [(e["member_id"], e["content_id"]) for e in read] == [(new, items[0])]
    assert await store.decisions.list_shown_members(community, at - timedelta(minutes=1)) == [str(new)]


@pytest.mark.parametrize("fails", ["commitTransaction", "insert"])
async def test_a_decision_and_its_impressions_entry_are_stored_together_or_not_at_all(
    store: DistributionStore, mongo_uri: str, monkeypatch: pytest.MonkeyPatch, fails: str
) -> None:
    """The server refuses the commit (client-level bulk write), or the outbox entry's insert after the decision's
    (one insert per collection, a server before 8.0): neither is stored; served again, counted once."""
    if fails == "insert":

        async def refused(*args: Any, **kwargs: Any) -> None:
            raise InvalidOperation("MongoClient.bulk_write requires MongoDB server version 8.0+.")

        monkeypatch.setattr(type(store.decisions.decisions.database.client), "bulk_write", refused)
    community, items = ObjectId(), [ObjectId() for _ in range(2)]
    served = decision(community, ObjectId(), items, datetime.now(UTC), counted=True)
    admin: AsyncMongoClient[Doc] = AsyncMongoClient(mongo_uri)
    try:
        # the first write of the pair (the decision's insert) passes; the one after it fails
        mode = {"skip": 1, "times": 1} if fails == "insert" else {"times": 1}
        data = {"failCommands": [fails], "errorCode": 2}
        await admin.admin.command({"configureFailPoint": "failCommand", "mode": mode, "data": data})
        with pytest.raises(PyMongoError):
            await serve(store, [served])
    finally:
        await admin.admin.command({"configureFailPoint": "failCommand", "mode": "off"})
        await admin.close()
    assert await store.decisions.decisions.count_documents({"_id": served["_id"]}) == 0
    assert await store.events.outbox.entries.count_documents({}) == 0
    # when: the feed is served again, and drained
    await serve(store, [served])
    assert await IngestWorker(store, interval=0).drain() == 2
    # then
    assert await counted(store, community, items) == [1, 1]


async def test_a_connection_lost_during_the_one_command_write_is_a_connection_error_and_a_replay_stores_once(
    store: DistributionStore, mongo_uri: str
) -> None:
    """The driver wraps a network error in a client-level bulk write's exception; callers must see the network error
    (retried once by the event store, UNAVAILABLE to a client), never an unmapped error (INTERNAL)."""
    community, member, item = ObjectId(), ObjectId(), ObjectId()
    event = {"community_id": community, "member_id": member, "content_id": item, "type": "CLICK"}
    admin: AsyncMongoClient[Doc] = AsyncMongoClient(mongo_uri)
    try:
        data = {"failCommands": ["bulkWrite"], "closeConnection": True}
        await admin.admin.command({"configureFailPoint": "failCommand", "mode": {"times": 1}, "data": data})
        # when: the event's one command loses its connection
        await store.events.insert_events([{**event, "occurred_at": datetime.now(UTC), "client_event_id": "c-1"}])
    finally:
        await admin.admin.command({"configureFailPoint": "failCommand", "mode": "off"})
        await admin.close()
    # then: the store retried it: one event and one entry, counted once
    assert await store.events.events.count_documents({"client_event_id": "c-1"}) == 1
    assert await IngestWorker(store, interval=0).drain() == 1
