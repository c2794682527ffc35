"""Decisions' impressions are counted in takes bounded by their items' updates, not by INGEST_BATCH events: the
pages of maximum-cost queries (the same items shown again and again) are counted in one take, exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bson import ObjectId

from distribution_service.service.ingest_worker import IngestWorker
from distribution_service.store import DistributionStore, Doc
from distribution_service.store.event_outbox import (
    COUNTED,
    MAX_IMPRESSIONS_PER_TAKE,
    event_count,
    impressions_in,
    impressions_only,
    take_weight,
)
from distribution_service.store.event_outbox import SHOWN as SHOWN_FIELD

PAGES = 23
SHOWN = 100


def page(community: ObjectId, member: ObjectId, items: list[ObjectId], at: datetime) -> list[Doc]:
    """One ranked page's impressions, as the ranker hands them to `impressions_insert`."""
    return [
        {
            "community_id": community,
            "member_id": member,
            "content_id": item,
            "type": "IMPRESSION",
            "occurred_at": at,
            "received_at": at,
            "decision_id": ObjectId(),
        }
        for item in items
    ]


async def serve(store: DistributionStore, impressions: list[Doc]) -> None:
    """The ranker's write of a page's impressions' outbox entry (with no decision: only the entry matters here)."""
    await store.decisions.insert_decisions([], also=[store.events.impressions_insert(impressions)])


async def counted(store: DistributionStore, community: ObjectId, items: list[ObjectId]) -> list[int]:
    stats = await store.events.list_item_stats(community, items)
    return [int(stats[str(i)]["counts"].get("IMPRESSION", 0)) if str(i) in stats else 0 for i in items]


async def test_a_maximum_cost_querys_pages_are_counted_in_one_take_exactly_once(store: DistributionStore) -> None:
    # given: two queries' 23 pages each, every page the same 100 items (46 outbox entries, 4,600 impressions)
    community, member, items = ObjectId(), ObjectId(), [ObjectId() for _ in range(SHOWN)]
    at = datetime.now(UTC)
    for _ in range(2 * PAGES):
        await serve(store, page(community, member, items, at))
    takes: list[int] = []
    real = store.events.derive_pending

    async def counting_takes(last_key: ObjectId, session: object, known: object = ()) -> list[Doc]:
        done = await real(last_key, session, known)  # type: ignore[arg-type]
        takes.append(event_count(done))
        return done

    store.events.derive_pending = counting_takes  # type: ignore[method-assign]
    # when: the worker drains with its default batch (1,000 events)
    derived = await IngestWorker(store, interval=0).drain()
    # then: one take of all 4,600, each item counted once per page, nothing left
    assert derived == 2 * PAGES * SHOWN
    assert takes == [2 * PAGES * SHOWN]
    assert await counted(store, community, items) == [2 * PAGES] * SHOWN
    assert await store.events.outbox.entries.count_documents({}) == 0
    assert await IngestWorker(store, interval=0).drain() == 0


async def test_impressions_fill_a_take_at_their_own_cap_and_the_rest_follows(store: DistributionStore) -> None:
    # given: more pages of impressions than one take holds, then an engagement
    community, member, items = ObjectId(), ObjectId(), [ObjectId() for _ in range(SHOWN)]
    at = datetime.now(UTC)
    pages = MAX_IMPRESSIONS_PER_TAKE // SHOWN + 3
    for _ in range(pages):
        await serve(store, page(community, member, items, at))
    until = datetime.now(UTC) + timedelta(seconds=1)
    # when: the next take is listed
    entries, more = await store.events.list_pending(until, 1000)
    # then: it stops at the impressions' cap, weighs nothing toward the batch, and says more wait
    assert sum(impressions_in(e) for e in entries) == MAX_IMPRESSIONS_PER_TAKE
    assert take_weight(entries) == 0
    assert more is True
    # and: the worker derives them all, each once
    assert await IngestWorker(store, interval=0).drain() == pages * SHOWN
    assert await counted(store, community, items) == [pages] * SHOWN


def test_only_counted_impressions_weigh_nothing() -> None:
    community, member, item = ObjectId(), ObjectId(), ObjectId()
    shown = {"community_id": community, "member_id": member, "content_id": item, "type": "IMPRESSION"}
    opened = {**shown, "type": "OPEN", "engaged": True}
    mixed: Doc = {"key": ObjectId(), "events": [shown, shown, opened]}
    stored: Doc = {"key": ObjectId(), "events": [shown, shown], "store": True}
    assert impressions_in(mixed) == 2
    assert impressions_in(stored) == 0
    assert take_weight([mixed, stored]) == 3


async def test_the_loop_leaves_young_impressions_alone_to_a_later_run_but_never_engagements(
    store: DistributionStore,
) -> None:
    # given: one page of impressions just written
    community, member, items = ObjectId(), ObjectId(), [ObjectId() for _ in range(SHOWN)]
    now = datetime.now(UTC)
    await serve(store, page(community, member, items, now))
    worker = IngestWorker(store, interval=0)
    # when: a run of the loop (deferring), then one told the impressions are old enough
    assert await worker.drain(defer_impressions=True) == 0
    entries, more = await store.events.list_pending(now + timedelta(seconds=2), 1000, now - timedelta(seconds=60))
    # then: nothing is listed while they are young; listed once the bound passed their entry
    assert (entries, more) == ([], False)
    assert await counted(store, community, items) == [0] * SHOWN
    entries, _ = await store.events.list_pending(now + timedelta(seconds=2), 1000, now + timedelta(seconds=60))
    assert sum(impressions_in(e) for e in entries) == SHOWN
    # and: an engagement waiting beside them is derived at once, the impressions with it, each once
    await store.events.insert_events(
        [{"community_id": community, "member_id": member, "content_id": items[0], "type": "OPEN", "occurred_at": now}]
    )
    assert await worker.drain(defer_impressions=True) == SHOWN + 1
    assert await counted(store, community, items) == [1] * SHOWN
    assert await store.events.outbox.entries.count_documents({}) == 0


async def test_young_impressions_past_the_take_cap_are_not_deferred(store: DistributionStore) -> None:
    community, member, items = ObjectId(), ObjectId(), [ObjectId() for _ in range(SHOWN)]
    pages = MAX_IMPRESSIONS_PER_TAKE // SHOWN
    for _ in range(pages):
        await serve(store, page(community, member, items, datetime.now(UTC)))
    assert await IngestWorker(store, interval=0).drain(defer_impressions=True) == pages * SHOWN
    assert await counted(store, community, items) == [pages] * SHOWN


async def test_a_decisions_entry_says_how_many_impressions_it_holds_and_only_then(store: DistributionStore) -> None:
    community, member, items = ObjectId(), ObjectId(), [ObjectId() for _ in range(3)]
    await serve(store, page(community, member, items, datetime.now(UTC)))
    opened = {**page(community, member, items[:1], datetime.now(UTC))[0], "type": "OPEN", "engaged": True}
    await store.decisions.insert_decisions([], also=[store.events.outbox.counted_insert([opened])])
    shown, mixed = [e async for e in store.events.outbox.entries.find({}).sort("key", 1)]
    assert shown[SHOWN_FIELD] == 3
    assert impressions_only(shown)
    # only what counting needs: the items' ids, one per impression, per community; no events
    assert "events" not in shown
    assert [(g["community_id"], g["content_ids"]) for g in shown[COUNTED]] == [(community, items)]
    assert SHOWN_FIELD not in mixed
    assert not impressions_only(mixed)
