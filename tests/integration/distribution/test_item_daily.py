"""The 7-day popularity feature's source: daily engagement buckets per item, bumped once per stored event (by the
ingest worker, drained here by hand)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bson import ObjectId

from distribution_service.ranking.features import popularity_window_start
from distribution_service.service.ingest_worker import IngestWorker
from distribution_service.store import DistributionStore


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
