"""Each distribution store finder's queries run on an index on the real server (SecantusDB's planner).

The store's own indexes on a scratch database, a few hundred events, deliveries and decisions; each finder is called
and every query it sends is explained (tests/query_plans.py). Plans only, never timings.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from bson import ObjectId

from distribution_service.service.ingest_worker import IngestWorker
from distribution_service.store import DistributionStore
from tests.query_plans import PlanProbe, plan_probe

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
TYPES = ["IMPRESSION", "IMPRESSION", "CLICK", "VOTE", "SHARE"]


class World:
    def __init__(self, probe: PlanProbe, store: DistributionStore) -> None:
        self.probe = probe
        self.store = store
        self.community = ObjectId()
        self.other = ObjectId()
        self.members = [ObjectId() for _ in range(10)]
        self.items = [ObjectId() for _ in range(30)]
        self.decision = ObjectId()


@pytest.fixture
async def world(mongo_uri: str) -> AsyncIterator[World]:
    async with plan_probe(mongo_uri) as probe:
        store = DistributionStore(probe.db)
        await store.ensure_indexes()
        w = World(probe, store)
        events = [
            {
                "community_id": w.community if n % 7 else w.other,
                "member_id": w.members[n % 10],
                "content_id": w.items[n % 30],
                "type": TYPES[n % 5],
                "occurred_at": NOW - timedelta(minutes=n),
                "client_event_id": f"e{n}",
                **({"decision_id": w.decision} if n % 3 == 0 else {}),
            }
            for n in range(300)
        ]
        await store.events.insert_events(events)
        await store.decisions.insert_decisions(
            [
                {"_id": w.decision, "community_id": w.community, "at": NOW, "experiment_version": "v1"},
                {"community_id": w.other, "at": NOW, "experiment_version": "v1"},
            ]
        )
        await store.deliveries.insert_deliveries(
            [
                {
                    "community_id": w.community,
                    "member_id": m,
                    "slot": "MORNING",
                    "day": f"2026-10-{d:02d}",
                    "items": [{"content_id": w.items[d % 30], "score": 1.0, "position": 0}],
                    "created_at": NOW - timedelta(days=d),
                    "opened_at": None,
                    "shared_at": None,
                }
                for m in w.members
                for d in range(1, 21)
            ]
        )
        probe.clear()
        yield w


async def plans_of(world: World) -> list[str]:
    found = await world.probe.plans()
    world.probe.clear()
    return found


async def test_members_engagement_is_one_read_on_the_engaged_member_index(world: World) -> None:
    history, seen = await world.store.events.list_members_engagement(
        world.community, world.members[:4], history_limit=5
    )
    assert await plans_of(world) == ["IXSCAN community_engaged_member_occurred_at"]
    # Members 0 and 1 only ever had impressions (n % 5 in {0, 1}): no history, nothing seen.
    assert sorted(seen) == sorted(history) == sorted(str(m) for m in world.members[2:4])
    assert all(e["type"] != "IMPRESSION" for docs in history.values() for e in docs)
    assert [len(docs) for docs in history.values()] == [5, 5]
    # Seen covers every item each member engaged with, not only those in the history's five events.
    for k in (2, 3):
        engaged = {str(world.items[n % 30]) for n in range(300) if n % 10 == k and n % 7}
        assert seen[str(world.members[k])] == engaged
    newest_first = [e["occurred_at"] for e in history[str(world.members[2])]]
    assert newest_first == sorted(newest_first, reverse=True)


async def test_recent_engagement_uses_the_content_indexes(world: World) -> None:
    # The days kept in item_stats, then an older version's item_daily buckets (until they expire).
    await world.store.events.sum_recent_engagement(world.community, world.items, NOW - timedelta(days=1))
    assert await plans_of(world) == ["IXSCAN _id_", "IXSCAN community_content_day_unique"]


async def test_item_stats_are_read_and_updated_by_their_id(world: World) -> None:
    await world.store.events.list_item_stats(world.community, world.items)
    assert await plans_of(world) == ["IXSCAN _id_"]
    # The worker's take: each item's counters updated by `_id` (and a first-counted item listed by `_id`).
    world.probe.clear()
    await IngestWorker(world.store, interval=0).drain()
    plans = await plans_of(world)
    assert plans.count("IXSCAN _id_") >= 2
    assert "COLLSCAN" not in plans


async def test_a_communitys_item_engagement_is_read_from_its_item_listing(world: World) -> None:
    await IngestWorker(world.store, interval=0).drain()
    world.probe.clear()
    engagement = await world.store.events.list_item_engagement(world.community)
    assert await plans_of(world) == ["IXSCAN community_id", "IXSCAN _id_"]
    # Every item of the community's events is listed (300 events on 30 items; the other community's are apart).
    assert set(engagement) == {str(i) for i in world.items}


async def test_window_reads_use_the_community_time_index(world: World) -> None:
    since = NOW - timedelta(hours=2)
    await world.store.events.list_events_between(world.community, since, NOW)
    await world.store.events.list_active_members(world.community, since)
    await world.store.events.member_activity.aggregate_activity_by_member(world.community, since)
    await world.store.events.list_attributed_events(world.community, since, ["CLICK", "VOTE"])
    assert await plans_of(world) == ["IXSCAN community_occurred_at"] * 4


async def test_active_communities_are_read_from_their_latest_event_times(world: World) -> None:
    # The worker moves each community's latest event time as it derives the events (no read of `events`).
    await IngestWorker(world.store, interval=0).drain()
    world.probe.clear()
    assert await world.store.events.list_active_communities(NOW - timedelta(hours=1)) == sorted(
        [world.community, world.other]
    )
    assert await world.store.events.list_active_communities(NOW + timedelta(minutes=1)) == []
    assert await plans_of(world) == ["IXSCAN last_event_at"] * 2


async def test_a_duplicate_event_is_found_by_its_derived_id(world: World) -> None:
    doc = {
        "community_id": world.community,
        "member_id": world.members[1],
        "content_id": world.items[1],
        "type": "CLICK",
        "occurred_at": NOW,
        "client_event_id": "e1",
    }
    ((_, duplicate),) = await world.store.events.insert_events([doc])
    assert duplicate is True
    # the stored event read by the `_id` its client id names (store/event_keys.py); then the journal barrier's write by
    # `_id` (a duplicate is answered once the journal holds what it answers from)
    assert await plans_of(world) == ["IXSCAN _id_", "IXSCAN _id_"]


async def test_decisions_are_read_by_id_and_by_experiment(world: World) -> None:
    assert (await world.store.decisions.get_decision(world.community, world.decision) or {}).get(
        "_id"
    ) == world.decision
    assert await world.store.decisions.get_decision(world.other, world.decision) is None
    await world.store.decisions.list_experiment_decisions(world.community, "v1", NOW - timedelta(days=1))
    heads = await world.store.decisions.list_decision_heads_between(
        world.community, NOW - timedelta(days=1), NOW + timedelta(days=1)
    )
    whole = await world.store.decisions.list_decisions_by_ids(world.community, [h["_id"] for h in heads])
    assert await plans_of(world) == [
        "IXSCAN _id_",
        "IXSCAN _id_",
        "IXSCAN community_experiment_at",
        "IXSCAN community_at",
        "IXSCAN _id_",
    ]
    assert [d["_id"] for d in whole] == [world.decision]
    assert await world.store.decisions.list_decisions_by_ids(world.other, [world.decision]) == []


async def test_served_impressions_are_read_from_decisions_on_the_community_time_index(world: World) -> None:
    since, until = NOW - timedelta(days=1), NOW + timedelta(days=1)
    await world.store.decisions.list_impressions_between(world.community, since, until)
    await world.store.decisions.count_impressions_between(world.community, since, until)
    await world.store.decisions.list_shown_members(world.community, since)
    await world.store.decisions.first_impression_time(world.community)
    await world.store.decisions.list_shown_member_times(world.community, since)
    assert await plans_of(world) == ["IXSCAN community_at"] * 5


async def test_delivery_reads_use_their_indexes(world: World) -> None:
    done = await world.store.deliveries.list_delivered_members(
        world.community, "MORNING", "2026-10-03", world.members[:5]
    )
    assert done == {str(m) for m in world.members[:5]}
    await world.store.deliveries.count_deliveries_by_member_since(
        world.community, world.members, NOW - timedelta(days=3)
    )
    await world.store.deliveries.list_deliveries_for_member(world.community, world.members[0], limit=5)
    await world.store.deliveries.aggregate_slot_rates(world.community)
    await world.store.deliveries.list_push_preferences(world.community, world.members)
    await world.store.deliveries.list_delivery_times_since(world.community, NOW - timedelta(days=1))
    assert await plans_of(world) == [
        "IXSCAN community_slot_day_member_unique",
        "IXSCAN community_member_created_at",
        "IXSCAN community_member_created_at",
        # Slot rates match on the community alone; of the indexes that lead with it the planner takes this one.
        "IXSCAN community_created_at",
        "IXSCAN community_member_unique",
        "IXSCAN community_created_at",
    ]


async def test_marking_a_delivery_reads_the_member_and_writes_by_id(world: World) -> None:
    await world.store.deliveries.mark_delivery(world.community, world.members[0], world.items[3], "opened_at", NOW)
    assert await plans_of(world) == ["IXSCAN community_member_created_at", "IXSCAN _id_"]
    opened = await world.store.deliveries.deliveries.count_documents({"opened_at": NOW})
    assert opened == 1


async def test_marking_a_batch_of_deliveries_reads_the_members_once(world: World) -> None:
    marks = {
        (world.members[0], world.items[3], "opened_at"): NOW,
        (world.members[0], world.items[3], "shared_at"): NOW,
        (world.members[1], world.items[5], "opened_at"): NOW,
        (world.members[2], world.items[29], "opened_at"): NOW,  # an item never delivered to them
    }
    await world.store.deliveries.mark_deliveries(world.community, marks)
    assert await plans_of(world) == ["IXSCAN community_member_created_at", "IXSCAN _id_", "IXSCAN _id_"]
    stamped = world.store.deliveries.deliveries.find({"$or": [{"opened_at": NOW}, {"shared_at": NOW}]})
    found = [
        (d["member_id"] == world.members[0], d["opened_at"] is not None, d["shared_at"] is not None)
        async for d in stamped
    ]
    assert sorted(found) == [(False, True, False), (True, True, True)]


async def test_model_registry_reads_use_their_indexes(world: World) -> None:
    await world.store.models.get_model_version(world.community, "v1")
    await world.store.models.list_model_versions(world.community)
    await world.store.models.get_model_pointer(world.community)
    assert await plans_of(world) == [
        "IXSCAN community_version_unique",
        "IXSCAN community_version_unique",
        "IXSCAN community_unique",
    ]


async def test_events_stored_before_the_flag_get_it_once(world: World) -> None:
    legacy = ObjectId()
    await world.store.events.events.insert_many(
        [
            {"community_id": legacy, "member_id": world.members[0], "content_id": world.items[0], "type": t}
            for t in ("IMPRESSION", "VOTE")
        ]
    )
    await world.store.events.migrate.done.delete_one({"_id": "events_engaged"})
    await world.store.events.migrate.backfill_engaged()
    flags = {d["type"]: d["engaged"] async for d in world.store.events.events.find({"community_id": legacy})}
    assert flags == {"IMPRESSION": False, "VOTE": True}


async def test_health_figures_use_the_community_time_indexes(world: World) -> None:
    as_of = NOW + timedelta(seconds=1)
    windows = {
        "as_of": as_of,
        "day": as_of - timedelta(days=1),
        "week": as_of - timedelta(days=7),
        "month": as_of - timedelta(days=30),
        "previous": as_of - timedelta(days=60),
        "quarter": as_of - timedelta(days=90),
    }
    members = await world.store.events.member_activity.aggregate_member_windows(world.community, windows)
    await world.store.events.count_types_between(world.community, windows["month"], as_of)
    made = await world.store.deliveries.count_made_between(world.community, windows["month"], as_of)
    per_member = await world.store.events.member_activity.list_member_windows(world.community, windows)
    assert await plans_of(world) == [
        "IXSCAN community_occurred_at",
        "IXSCAN community_occurred_at",
        "IXSCAN community_created_at",
        "IXSCAN community_occurred_at",
    ]
    # The breakdowns' rows add up to the totals.
    assert (len(per_member), sum(len([d for d in r["days"] if d]) for r in per_member)) == (6, 6)
    # Events n minutes before NOW, all on one UTC day; members n % 10 in {2, 3, 4, 7, 8, 9} had engagement.
    assert {k: members[k] for k in ("dau", "mau", "mau_previous", "retained", "member_days")} == {
        "dau": 6,
        "mau": 6,
        "mau_previous": 0,
        "retained": 0,
        "member_days": 6,
    }
    assert (made["delivered"], made["opened"]) == (200, 0)  # 10 members × 20 days


async def test_the_ingest_worker_reads_the_outbox_by_index(world: World) -> None:
    store = world.store
    oldest = await store.events.oldest_pending_time()
    assert oldest is not None
    entries, _ = await store.events.list_pending(oldest + timedelta(seconds=1), 100)
    # The worker hands the entries it read, but for one (written late, say): read again whole, by its key.
    await store.transaction(lambda session: store.events.derive_pending(entries[-1]["key"], session, entries[1:]))
    plans = await plans_of(world)
    # the oldest entry, a batch's keys and the batch read whole by key, the transaction's read of the range's keys,
    # the entry it did not read, the delete of the range; the counters, the items' listing and the members' last
    # engagements (all by `_id`). No look for an older version's `pending` flag: that is a start-up migration now.
    assert plans[:6] == ["IXSCAN key"] * 6
    assert set(plans[6:]) == {"IXSCAN _id_"}


async def test_members_last_engagements_are_read_by_id(world: World) -> None:
    await IngestWorker(world.store, interval=0).drain()
    await plans_of(world)
    # when: a slot run's batch of members
    kept = await world.store.events.list_member_recent(world.community, world.members, limit=5)
    # then
    assert await plans_of(world) == ["IXSCAN _id_"]
    assert kept is not None
    # members n % 10 in {2, 3, 4, 7, 8, 9} had engagement (TYPES)
    assert sorted(kept) == sorted(str(world.members[k]) for k in (2, 3, 4, 7, 8, 9))
