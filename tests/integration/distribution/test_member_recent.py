"""Members' last engagements kept by the ingest worker (member_recent): the same last K the events say, written in
the derive transaction, backfilled once for events stored before, and what a feed ranks from."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from bson import ObjectId
from bson.datetime_ms import DatetimeMS
from pymongo import AsyncMongoClient
from pymongo.errors import PyMongoError

from distribution_service.ranking.member_features import HISTORY_LIMIT
from distribution_service.service.ingest_worker import IngestWorker
from distribution_service.store import DistributionStore, Doc
from distribution_service.store.member_recent import (
    PACKED,
    READ_BATCH,
    RECENT_KEPT,
    entry,
    recent_id,
    stored_entries,
)

TYPES = ("OPEN", "SHARE", "IMPRESSION", "ANSWER", "CLICK")


def history(community: ObjectId, member: ObjectId, n: int) -> list[Doc]:
    """`n` events of one member over the last days, recorded out of time order, impressions among them."""
    now = datetime.now(UTC).replace(microsecond=0)
    return [
        {
            "community_id": community,
            "member_id": member,
            "content_id": ObjectId(),
            "type": TYPES[k % len(TYPES)],
            "occurred_at": now - timedelta(minutes=(k * 37) % n + k / n),
            "tags": [f"t{k % 3}"],
            "author_id": f"a{k % 4}",
            "kind": "UGC",
            "dwell_ms": k,
        }
        for k in range(n)
    ]


def fields(docs: list[Doc]) -> list[tuple[object, ...]]:
    """What an entry says, its date as milliseconds (member_recent reads dates as bson DatetimeMS)."""
    return [(d["_id"], d["content_id"], d["type"], millis(d["occurred_at"]), d["tags"], d["dwell_ms"]) for d in docs]


def millis(value: datetime | DatetimeMS) -> DatetimeMS:
    return value if isinstance(value, DatetimeMS) else DatetimeMS(value)


async def stored_events(store: DistributionStore, community: ObjectId, member: ObjectId) -> list[Doc]:
    """The document's entries as stored (packed), read past the reader."""
    doc = await store.events.recent.docs.find_one({"_id": recent_id(community, member)})
    assert doc is not None
    return stored_entries(doc, store.events.recent.docs.codec_options)


def newest_first_and_unique(events: list[Doc]) -> bool:
    dates = [e["occurred_at"] for e in events]
    return dates == sorted(dates, reverse=True) and len({e["_id"] for e in events}) == len(events)


async def test_the_recent_document_keeps_training_history_limit() -> None:
    assert RECENT_KEPT == HISTORY_LIMIT


async def test_a_member_with_300_events_has_the_last_k_the_events_say(store: DistributionStore) -> None:
    community, member = ObjectId(), ObjectId()
    docs = history(community, member, 300)
    # given: recorded in batches of 40 (an outbox entry each), derived in batches of 90
    for lo in range(0, len(docs), 40):
        await store.events.insert_events(docs[lo : lo + 40])
    # when
    assert await IngestWorker(store, interval=0, batch_size=90).drain() == 300
    # then
    kept = await store.events.list_member_recent(community, [member], limit=RECENT_KEPT)
    read = await store.events.list_last_engagements(community, member, limit=RECENT_KEPT)
    assert kept is not None
    assert len(read) == RECENT_KEPT
    assert fields(kept[str(member)]) == fields(read)
    assert all(d["member_id"] == member for d in kept[str(member)])
    # and as stored: newest first, no event twice (what lets a read take the list as it is)
    assert newest_first_and_unique(await stored_events(store, community, member))


async def test_a_take_of_more_than_k_of_a_members_events_keeps_the_last_k_the_events_say(
    store: DistributionStore,
) -> None:
    community, member = ObjectId(), ObjectId()
    docs = history(community, member, 300)
    await store.events.insert_events(docs[:30])
    assert await IngestWorker(store, interval=0).drain() == 30
    # given: the rest in one recorded batch, derived in one take (the push holds only the newest k of them)
    await store.events.insert_events(docs[30:])
    # when
    assert await IngestWorker(store, interval=0).drain() == 270
    # then
    kept = await store.events.list_member_recent(community, [member], limit=RECENT_KEPT)
    read = await store.events.list_last_engagements(community, member, limit=RECENT_KEPT)
    assert kept is not None
    assert len(read) == RECENT_KEPT
    assert fields(kept[str(member)]) == fields(read)
    assert newest_first_and_unique(await stored_events(store, community, member))


async def test_events_stored_before_the_documents_are_backfilled_once(store: DistributionStore) -> None:
    community, member = ObjectId(), ObjectId()
    docs = history(community, member, 150)
    await store.events.events.insert_many([{**d, "engaged": d["type"] != "IMPRESSION"} for d in docs[:120]])
    # newer events recorded, still in the outbox when the backfill reads them
    await store.events.insert_events(docs[120:])
    await store.events.migrate.done.delete_one({"_id": "member_recent"})
    # when: run twice (two processes starting, or a restart after a crash midway), then the worker derives
    await store.events.migrate.backfill_member_recent()
    await store.events.migrate.done.delete_one({"_id": "member_recent"})
    await store.events.migrate.backfill_member_recent()
    assert await IngestWorker(store, interval=0).drain() == 30
    # then: the same last K as the events say, none twice
    kept = await store.events.list_member_recent(community, [member], limit=RECENT_KEPT)
    read = await store.events.list_last_engagements(community, member, limit=RECENT_KEPT)
    assert kept is not None
    assert fields(kept[str(member)]) == fields(read)
    assert newest_first_and_unique(await stored_events(store, community, member))


async def test_an_event_stored_twice_is_read_once_newest_first(store: DistributionStore) -> None:
    community, member = ObjectId(), ObjectId()
    docs = history(community, member, 20)
    await store.events.insert_events(docs)
    assert await IngestWorker(store, interval=0).drain() == 20
    stored = await stored_events(store, community, member)
    # given: an import's push landing after the backfill had read the same event: merged by `_id`, kept once
    await store.events.recent.push([{**stored[3], "community_id": community, "member_id": member}], None)
    assert await stored_events(store, community, member) == stored
    # and an older version's worker pushing the same event into the packed document as an `events` array
    key = {"_id": recent_id(community, member)}
    await store.events.recent.docs.update_one(key, {"$push": {"events": {"$each": [stored[3]]}}})
    raw = await store.events.recent.docs.find_one(key)
    assert raw is not None
    assert raw["events"] == [stored[3]]
    assert PACKED in raw
    # when: a read of one member (a feed) and of two (a slot run's batch)
    one = await store.events.list_member_recent(community, [member], limit=RECENT_KEPT)
    two = await store.events.list_member_recent(community, [member, ObjectId()], limit=5)
    # then: each event once, newest first, as the events say
    read = await store.events.list_last_engagements(community, member, limit=RECENT_KEPT)
    assert one is not None
    assert two is not None
    assert fields(one[str(member)]) == fields(read)
    assert fields(two[str(member)]) == fields(read)[:5]


async def test_a_member_with_no_document_is_absent_and_a_longer_limit_reads_none(store: DistributionStore) -> None:
    community = ObjectId()
    assert await store.events.list_member_recent(community, [ObjectId()], limit=10) == {}
    assert await store.events.list_member_recent(community, [ObjectId()], limit=RECENT_KEPT + 1) is None


async def test_more_members_than_one_read_batch_are_all_found_in_their_community(store: DistributionStore) -> None:
    community, other = ObjectId(), ObjectId()
    members = [ObjectId() for _ in range(2 * READ_BATCH + 7)]
    # given: two engagements each, and the same members active in another community
    docs = [{**d, "type": "OPEN"} for m in members for d in history(community, m, 2)]
    await store.events.insert_events(docs)
    await store.events.insert_events([{**d, "type": "OPEN"} for d in history(other, members[0], 3)])
    assert await IngestWorker(store, interval=0).drain() == len(docs) + 3
    # when: one read of every member (three `$in` batches) and a member with no document
    kept = await store.events.list_member_recent(community, [*members, ObjectId()], limit=RECENT_KEPT)
    # then: each member once, with this community's events only
    assert kept is not None
    assert sorted(kept) == sorted(str(m) for m in members)
    assert {len(events) for events in kept.values()} == {2}
    assert all(e["member_id"] == m for m in members for e in kept[str(m)])


async def test_concurrent_feeds_reads_go_in_groups_and_each_reads_what_it_would_alone(store: DistributionStore) -> None:
    community = ObjectId()
    members = [ObjectId() for _ in range(4)]
    # given: three members with engagements (one with more than the limit) and one with none
    docs = [d for k, m in enumerate(members[:3]) for d in history(community, m, 5 + 60 * k)]
    await store.events.insert_events(docs)
    assert await IngestWorker(store, interval=0).drain() == len(docs)
    alone = [await store.events.list_member_recent(community, [m], limit=HISTORY_LIMIT) for m in members]
    grouped = store.events.recent.grouped
    commands, asked = grouped.commands, grouped.asked
    # when: each member's feed reads at once, the first member's twice (its app asked two slots)
    asks = [*members, members[0]]
    read = await asyncio.gather(*(store.events.list_member_recent(community, [m], limit=HISTORY_LIMIT) for m in asks))
    # then: fewer commands than reads, and every read answers what it answers alone
    assert grouped.asked - asked == len(asks)
    assert 1 <= grouped.commands - commands < len(asks)
    assert read == [*alone, alone[0]]
    assert read[0] is not None
    assert read[-1] is not None
    first, again = read[0][str(members[0])], read[-1][str(members[0])]
    assert first is not again
    assert fields(first) == fields(again)
    assert all(e["member_id"] == members[0] for e in again)
    assert read[3] == {}


async def test_a_failed_grouped_read_fails_each_of_its_feeds_and_the_next_read_is_served(
    store: DistributionStore, mongo_uri: str
) -> None:
    community, member = ObjectId(), ObjectId()
    events = [{**d, "type": "OPEN"} for d in history(community, member, 3)]
    await store.events.insert_events(events)
    assert await IngestWorker(store, interval=0).drain() == 3
    admin: AsyncMongoClient[Doc] = AsyncMongoClient(mongo_uri)
    try:
        data = {"failCommands": ["find"], "errorCode": 2}
        await admin.admin.command({"configureFailPoint": "failCommand", "mode": {"times": 1}, "data": data})
        # when: two feeds read while the read fails
        read = await asyncio.gather(
            *(store.events.list_member_recent(community, [m], limit=10) for m in (member, ObjectId())),
            return_exceptions=True,
        )
    finally:
        await admin.admin.command({"configureFailPoint": "failCommand", "mode": "off"})
        await admin.close()
    # then: each gets the read's error, and the next read is answered
    assert all(isinstance(r, PyMongoError) for r in read)
    again = await store.events.list_member_recent(community, [member], limit=10)
    assert again is not None
    assert len(again[str(member)]) == 3


async def test_an_older_versions_array_is_read_then_rewritten_packed_by_the_next_push(store: DistributionStore) -> None:
    community, member = ObjectId(), ObjectId()
    docs = history(community, member, 12)
    for doc in docs:
        doc["_id"] = ObjectId()
    older = sorted((entry(d) for d in docs[:10]), key=lambda e: e["occurred_at"], reverse=True)
    key = recent_id(community, member)
    # given: a document as an older version wrote it, its entries an array
    await store.events.recent.docs.insert_one(
        {"_id": key, "community_id": community, "member_id": member, "events": older}
    )
    before = await store.events.list_member_recent(community, [member], limit=RECENT_KEPT)
    assert before is not None
    assert [e["_id"] for e in before[str(member)]] == [e["_id"] for e in older]
    # when: the worker pushes two more of the member's events
    await store.events.recent.push([{**d, "engaged": True} for d in docs[10:]], None)
    # then: one packed field holds all twelve, newest first, and the array is gone
    raw = await store.events.recent.docs.find_one({"_id": key})
    assert raw is not None
    assert "events" not in raw
    assert isinstance(raw[PACKED], bytes)
    stored = await stored_events(store, community, member)
    expected = sorted((entry(d) for d in docs), key=lambda e: e["occurred_at"], reverse=True)
    assert [e["_id"] for e in stored] == [e["_id"] for e in expected]
    after = await store.events.list_member_recent(community, [member], limit=RECENT_KEPT)
    assert after is not None
    assert [e["_id"] for e in after[str(member)]] == [e["_id"] for e in expected]


async def test_concurrent_pushes_into_one_document_lose_no_entry(store: DistributionStore) -> None:
    """A push reads the document and writes it back merged: a push committed between another's read and write makes
    that write conflict, and its transaction runs again on the new document."""
    community, member = ObjectId(), ObjectId()
    docs = history(community, member, 40)
    for doc in docs:
        doc["_id"] = ObjectId()
        doc["engaged"] = True
    # when: pairs of pushes of distinct events race on the member's one document
    for k in range(0, len(docs), 2):
        await asyncio.gather(store.events.recent.push([docs[k]], None), store.events.recent.push([docs[k + 1]], None))
    # then: every event is kept once, newest first
    stored = await stored_events(store, community, member)
    assert {e["_id"] for e in stored} == {d["_id"] for d in docs}
    assert newest_first_and_unique(stored)


async def test_a_write_from_a_read_another_push_changed_since_conflicts(store: DistributionStore) -> None:
    """What the merge relies on: the database refuses a transaction's write to a document another write changed
    after the transaction's read (a transient error, so the driver runs the transaction again)."""
    community, member = ObjectId(), ObjectId()
    first, second = ({**d, "_id": ObjectId(), "engaged": True} for d in history(community, member, 2))
    await store.events.recent.push([first], None)
    key = {"_id": recent_id(community, member)}
    client = store.events.recent.docs.database.client
    async with client.start_session() as session:
        await session.start_transaction()
        assert await store.events.recent.docs.find_one(key, session=session) is not None
        await store.events.recent.push([second], None)  # committed after the transaction's read
        with pytest.raises(PyMongoError) as refused:
            await store.events.recent.docs.update_one(key, {"$set": {"updated_at": None}}, session=session)
        if session.in_transaction:
            await session.abort_transaction()
    assert refused.value.has_error_label("TransientTransactionError")
    assert len(await stored_events(store, community, member)) == 2


async def test_pushes_in_time_order_keep_the_last_k_and_a_late_event_lands_in_its_place(
    store: DistributionStore,
) -> None:
    """Pushes of events newer than every kept one (merged as bytes, store/packed_recent.py) keep what the events
    say, as a late event's push (merged by `_id` and date) does."""
    community, member = ObjectId(), ObjectId()
    docs = sorted(history(community, member, RECENT_KEPT + 30), key=lambda d: d["occurred_at"])
    for doc in docs:
        doc["_id"] = ObjectId()
        doc["engaged"] = True
    late = docs.pop(len(docs) - 20)  # derived after the events around it
    # when: each event pushed on its own, oldest first, then the late one
    for doc in docs:
        await store.events.recent.push([doc], None)
    await store.events.recent.push([late], None)
    # then: the newest RECENT_KEPT of them all, newest first, each once
    stored = await stored_events(store, community, member)
    expected = sorted((entry(d) for d in [*docs, late]), key=lambda e: e["occurred_at"], reverse=True)[:RECENT_KEPT]
    assert fields(stored) == fields(expected)
    assert newest_first_and_unique(stored)
    read = await store.events.list_member_recent(community, [member], limit=RECENT_KEPT)
    assert read is not None
    assert [e["_id"] for e in read[str(member)]] == [e["_id"] for e in expected]
