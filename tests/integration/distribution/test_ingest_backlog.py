"""A backlog written slowly (a few events a second, as sustained load leaves it) is derived in takes of about a
batch, not one take per second of it, and counted exactly as a take per entry would count it."""

from __future__ import annotations

import os
import struct
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from bson import ObjectId

from distribution_service.service.ingest_worker import (
    MAX_SLICE,
    MIN_RUN_GAP_SECONDS,
    REST_FACTOR,
    SLICE,
    IngestWorker,
    next_run_at,
    widened,
)
from distribution_service.store import DistributionStore, Doc
from distribution_service.store.event_outbox import EVENTS_PER_ENTRY, LIST_READ_KEYS, MAX_UPDATES_PER_TAKE

SECONDS = 40
PER_SECOND = 5


def key_at(at: datetime) -> ObjectId:
    """An outbox key of that second, unique (the counter bytes random)."""
    return ObjectId(struct.pack(">I", int(at.timestamp())) + os.urandom(8))


async def backlog_over_seconds(store: DistributionStore, community: ObjectId, items: list[ObjectId]) -> None:
    """SECONDS outbox entries of PER_SECOND events each, one a second, the last a minute ago: recorded through
    `insert_events`, then their entries re-keyed to the seconds they would have had under a slow stream."""
    start = datetime.now(UTC) - timedelta(seconds=SECONDS + 60)
    for s in range(SECONDS):
        docs: list[Doc] = [
            {
                "community_id": community,
                "member_id": ObjectId(),
                "content_id": items[(s + k) % len(items)],
                "type": ("OPEN", "SHARE")[k % 2],
                "occurred_at": start + timedelta(seconds=s),
                "client_event_id": f"s{s}-{k}",
            }
            for k in range(PER_SECOND)
        ]
        await store.events.insert_events(docs)
    entries = [e async for e in store.events.outbox.entries.find({})]
    entries.sort(key=lambda e: e["key"])
    await store.events.outbox.entries.delete_many({})
    for s, entry in enumerate(entries):
        key = key_at(start + timedelta(seconds=s))
        await store.events.outbox.entries.insert_one({**entry, "_id": key, "key": key})


async def test_a_slowly_written_backlog_is_taken_in_batches_and_counted_exactly(
    store: DistributionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    community, items = ObjectId(), [ObjectId() for _ in range(7)]
    await backlog_over_seconds(store, community, items)
    real = store.events.derive_pending
    takes: list[int] = []

    async def counted(last_key: ObjectId, session: Any, known: Any = ()) -> list[Doc]:
        done = await real(last_key, session, known)
        takes.append(len(done))
        return done

    monkeypatch.setattr(store.events, "derive_pending", counted)
    # when: batches of 20 events, four seconds of this backlog
    assert await IngestWorker(store, interval=0, batch_size=20).drain() == SECONDS * PER_SECOND
    # then: every event counted once, as the per-event tally says, in far fewer takes than seconds
    expected: dict[str, dict[str, int]] = {}
    for s in range(SECONDS):
        for k in range(PER_SECOND):
            counts = expected.setdefault(str(items[(s + k) % len(items)]), {})
            kind = ("OPEN", "SHARE")[k % 2]
            counts[kind] = counts.get(kind, 0) + 1
    stats = await store.events.list_item_stats(community, items)
    assert {item: dict(doc["counts"]) for item, doc in stats.items()} == expected
    assert sum(takes) == SECONDS * PER_SECOND
    assert len(takes) <= SECONDS // 2, takes
    assert await store.events.outbox.entries.count_documents({}) == 0


def test_a_read_under_half_a_batch_doubles_the_span_and_a_full_one_halves_it() -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    assert widened(SLICE, at, 3, 20) == (2 * SLICE, at + 2 * SLICE)
    assert widened(MAX_SLICE, at, 3, 20) == (MAX_SLICE, at + MAX_SLICE)
    # a full batch: the rest up to the same bound next, later spans halved (never under a second)
    assert widened(4 * SLICE, at, 20, 20) == (2 * SLICE, at)
    assert widened(SLICE, at, 25, 20) == (SLICE, at)
    assert widened(4 * SLICE, at, 12, 20) == (4 * SLICE, at)


def test_a_run_that_caught_up_rests_as_long_as_it_took_and_one_that_met_a_backlog_does_not() -> None:
    # a slow run that caught up: the next one gathers what comes meanwhile
    assert next_run_at(10.0, 12.0, backlogged=False) == 12.0 + REST_FACTOR * 2.0
    # a run that met a backlog goes on at once (no sooner than the minimum gap after its start)
    assert next_run_at(10.0, 12.0, backlogged=True) == 12.0
    # a quick run: the minimum gap between starts
    assert next_run_at(10.0, 10.01, backlogged=False) == 10.0 + MIN_RUN_GAP_SECONDS


async def test_a_batch_on_many_items_is_derived_in_takes_that_stay_under_the_update_cap(
    store: DistributionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """500 events on 500 distinct items (one recordEvents) would need ~1,000 counter updates in one transaction,
    past the server's transaction lifetime: the entry is split and the takes stop at MAX_UPDATES_PER_TAKE."""
    community, at = ObjectId(), datetime.now(UTC) - timedelta(minutes=5)
    items = [ObjectId() for _ in range(500)]
    docs: list[Doc] = [
        {"community_id": community, "member_id": ObjectId(), "content_id": item, "type": "OPEN", "occurred_at": at}
        for item in items
    ]
    await store.events.insert_events(docs)
    assert await store.events.outbox.entries.count_documents({}) == 500 // EVENTS_PER_ENTRY
    real = store.events.derive_pending
    takes: list[list[Doc]] = []

    async def counted(last_key: ObjectId, session: Any, known: Any = ()) -> list[Doc]:
        done = await real(last_key, session, known)
        takes.append(done)
        return done

    monkeypatch.setattr(store.events, "derive_pending", counted)
    assert await IngestWorker(store, interval=0).drain() == 500
    # then: more than one take, none needing more updates than the cap (an item 1, an engaged member 1)
    assert len(takes) > 1
    for done in takes:
        assert 2 * len({d["content_id"] for d in done}) <= MAX_UPDATES_PER_TAKE
    stats = await store.events.list_item_stats(community, items)
    assert sorted(dict(doc["counts"]).get("OPEN", 0) for doc in stats.values()) == [1] * 500


async def test_a_take_spanning_several_entry_reads_lists_the_oldest_first_and_says_more_wait(
    store: DistributionStore,
) -> None:
    # given: more entries than one whole read (LIST_READ_KEYS), one event each, written a second apart
    community, item = ObjectId(), ObjectId()
    count = LIST_READ_KEYS * 2 + 7
    start = datetime.now(UTC) - timedelta(seconds=count + 60)
    entries = []
    for s in range(count):
        key = key_at(start + timedelta(seconds=s))
        event = {"community_id": community, "content_id": item, "type": "OPEN", "client_event_id": f"e{s}"}
        entries.append({"_id": key, "key": key, "events": [event]})
    await store.events.outbox.entries.insert_many(list(reversed(entries)))
    until = datetime.now(UTC)
    # when: a take of more events than one read holds, then one of all
    part, more = await store.events.list_pending(until, LIST_READ_KEYS + 3)
    whole, rest = await store.events.list_pending(until, count * 2)
    # then: the oldest, in key order, across the reads; whether more wait
    assert [e["key"] for e in part] == [e["key"] for e in entries[: LIST_READ_KEYS + 3]]
    assert more is True
    assert [e["key"] for e in whole] == [e["key"] for e in entries]
    assert rest is False
