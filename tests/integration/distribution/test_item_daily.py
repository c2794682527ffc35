"""The 7-day popularity feature's source: each item's engagement per UTC day, bumped once per stored event (by the
ingest worker, drained here by hand) in the item's item_stats document; an older version's item_daily buckets still
count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bson import ObjectId

from distribution_service.ranking.features import popularity_window_start
from distribution_service.service.ingest_worker import IngestWorker
from distribution_service.store import DistributionStore
from distribution_service.store.community_items import item_key
from distribution_service.store.item_counters import DAILY_BUCKET_DAYS


def window() -> tuple[datetime, datetime]:
    """Now and the 7-day window's start, read by each test itself: a module-level "now" goes stale when a run
    crosses midnight UTC, while the worker keeps buckets by the real date."""
    now = datetime.now(UTC)
    return now, datetime.fromtimestamp(popularity_window_start(now.timestamp()), UTC)


async def insert_events(store: DistributionStore, events: list[dict[str, object]]) -> None:
    """Record the events, then derive them as the ingest worker does."""
    await store.events.insert_events(events)
    await IngestWorker(store, interval=0).drain()


def event(community: ObjectId, item: ObjectId, kind: str, at: datetime, key: str) -> dict[str, object]:
    return {
        "community_id": community,
        "member_id": ObjectId(),
        "content_id": item,
        "type": kind,
        "occurred_at": at,
        "client_event_id": key,
    }


async def test_recent_engagement_sums_the_window_days_weights_once_per_event(store: DistributionStore) -> None:
    now, since = window()
    community, a, b = ObjectId(), ObjectId(), ObjectId()
    events = [
        event(community, a, "CLICK", now, "e1"),
        event(community, a, "CLICK", now - timedelta(minutes=5), "e2"),
        event(community, a, "SHARE", now - timedelta(days=3), "e3"),
        event(community, a, "IMPRESSION", now, "e4"),
        event(community, b, "VOTE", since - timedelta(days=1), "e5"),
    ]
    await insert_events(store, events)
    # A client sending the same events again adds nothing.
    await insert_events(store, [{k: v for k, v in e.items() if k not in ("_id", "pending")} for e in events])
    # when
    recent = await store.events.sum_recent_engagement(community, [a, b], since)
    # then: two clicks (1 each) and a share (3); the vote is older than the window's first day
    assert recent == {str(a): 5.0}


async def test_the_window_starts_exactly_at_its_first_days_midnight_utc(store: DistributionStore) -> None:
    now, since = window()
    community, item = ObjectId(), ObjectId()
    # since is 00:00 UTC seven days before today: its day counts whole; the second before it does not.
    await insert_events(
        store,
        [
            event(community, item, "CLICK", since, "first-second"),
            event(community, item, "VOTE", since - timedelta(seconds=1), "day-before"),
            event(community, item, "SHARE", now - timedelta(hours=1), "share"),
        ],
    )
    # when
    recent = await store.events.sum_recent_engagement(community, [item], since)
    day_before = await store.events.sum_recent_engagement(community, [item], since - timedelta(seconds=1))
    # then: the click (1) and the share (3); asked from the day before, the vote (2) is counted too
    assert recent == {str(item): 4.0}
    assert day_before == {str(item): 6.0}


async def test_another_community_never_reads_the_buckets(store: DistributionStore) -> None:
    now, since = window()
    community, item = ObjectId(), ObjectId()
    await insert_events(store, [event(community, item, "SHARE", now, "s1")])
    assert await store.events.sum_recent_engagement(ObjectId(), [item], since) == {}


async def test_buckets_are_backfilled_once_from_events_and_signals_stored_before_them(
    store: DistributionStore,
) -> None:
    now, since = window()
    community, item = ObjectId(), ObjectId()
    earlier = now - timedelta(minutes=1)
    await store.events.events.insert_many(
        [
            event(community, item, "VOTE", now - timedelta(days=2), "v1"),
            event(community, item, "OPEN", earlier, "o1"),
            event(community, item, "IMPRESSION", earlier, "i1"),
        ]
    )
    # An imported anonymous up-vote (a signal): it counts for the item's popularity, as training counts it.
    await store.events.item_signals.insert_one(
        {"community_id": community, "content_id": item, "type": "VOTE", "occurred_at": earlier}
    )
    await store.events.migrate.done.delete_one({"_id": "item_daily"})
    # when: two processes start
    await store.events.migrate.backfill_item_daily()
    await store.events.migrate.backfill_item_daily()
    # then: vote 2 + open 1 + signal 2, once
    assert await store.events.sum_recent_engagement(community, [item], since) == {str(item): 5.0}


async def test_a_take_bumps_each_items_day_in_its_stats_document_and_writes_no_bucket(store: DistributionStore) -> None:
    now, since = window()
    community, a, b = ObjectId(), ObjectId(), ObjectId()
    events = [event(community, a, "CLICK", now, f"a{n}") for n in range(3)]
    events += [
        event(community, b, "SHARE", now - timedelta(days=2), "b1"),
        event(community, b, "IMPRESSION", now, "b2"),
    ]
    # when
    await insert_events(store, events)
    # then: one document per item holds its totals and its days; item_daily stays empty
    docs = {d["content_id"]: d async for d in store.events.counters.item_stats.find({"community_id": community})}
    assert docs[a]["days"] == {now.date().isoformat(): 3.0}
    assert docs[b]["days"] == {(now - timedelta(days=2)).date().isoformat(): 3.0}
    assert docs[b]["counts"] == {"SHARE": 1, "IMPRESSION": 1}
    assert await store.events.counters.item_daily.count_documents({}) == 0
    assert await store.events.sum_recent_engagement(community, [a, b], since) == {str(a): 3.0, str(b): 3.0}


async def test_an_older_versions_buckets_are_summed_with_the_days_in_item_stats(store: DistributionStore) -> None:
    # Replicas of both versions side by side, or buckets written before the upgrade: both count, each once.
    now, since = window()
    community, item = ObjectId(), ObjectId()
    await store.events.counters.add_daily(community, [event(community, item, "SHARE", now, "old")], now)
    # when
    await insert_events(store, [event(community, item, "CLICK", now, "new")])
    # then: the old bucket's share (3) and the new day's click (1)
    assert await store.events.sum_recent_engagement(community, [item], since) == {str(item): 4.0}


async def test_an_update_unsets_the_days_just_past_the_window(store: DistributionStore) -> None:
    now, since = window()
    community, item = ObjectId(), ObjectId()
    stale = (now - timedelta(days=DAILY_BUCKET_DAYS + 1)).date().isoformat()
    await store.events.counters.item_stats.insert_one(
        {"_id": item_key(community, item), "community_id": community, "content_id": item, "engagement": 1.0}
        | {"days": {stale: 1.0}}
    )
    # when
    await insert_events(store, [event(community, item, "CLICK", now, "c1")])
    # then
    doc = await store.events.counters.item_stats.find_one({"community_id": community, "content_id": item})
    assert doc is not None
    assert doc["days"] == {now.date().isoformat(): 1.0}
    assert doc["engagement"] == 2.0


async def test_an_items_days_past_the_window_are_unset_once_a_day_per_process(store: DistributionStore) -> None:
    now, _ = window()
    community, item = ObjectId(), ObjectId()
    stale = (now - timedelta(days=DAILY_BUCKET_DAYS + 1)).date().isoformat()
    today = now.date().isoformat()
    stats = store.events.counters.item_stats
    await insert_events(store, [event(community, item, "CLICK", now, "c1")])
    # A key past the window appearing after the day's first update (it cannot in use: only the window's days are
    # ever bumped) shows what a later update that day does: it leaves it.
    await stats.update_one({"community_id": community, "content_id": item}, {"$set": {f"days.{stale}": 5.0}})
    # when
    await insert_events(store, [event(community, item, "CLICK", now, "c2")])
    # then
    doc = await stats.find_one({"community_id": community, "content_id": item})
    assert doc is not None
    assert doc["days"] == {today: 2.0, stale: 5.0}
    assert doc["engagement"] == 2.0
    # and the window's sums never read it: readers bound the days
    totals = await store.events.sum_recent_engagement(community, [item], now - timedelta(days=7))
    assert totals == {str(item): 2.0}
    # when another process (a new store) updates the item, its first update of the day unsets it
    fresh = DistributionStore(store.db)
    await fresh.events.insert_events([event(community, item, "CLICK", now, "c3")])
    await IngestWorker(fresh, interval=0).drain()
    doc = await stats.find_one({"community_id": community, "content_id": item})
    assert doc is not None
    assert doc["days"] == {today: 3.0}
