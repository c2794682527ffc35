"""The daily cap's counts (service/recent_deliveries.py): the same as counting each member's deliveries of the last
day, from one read of the community's last day that serves a run's chunks, with this process's new deliveries
added as they are made and another process's seen at the next read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bson import ObjectId

from distribution_service.service.recent_deliveries import REFRESH, RecentDeliveries
from distribution_service.store import DistributionStore, Doc

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


def delivery(community: ObjectId, member: ObjectId, slot: str, day: str, at: datetime) -> Doc:
    return {
        "community_id": community,
        "member_id": member,
        "slot": slot,
        "day": day,
        "items": [],
        "created_at": at,
        "opened_at": None,
        "shared_at": None,
    }


async def test_counts_match_the_members_own_count_and_follow_new_deliveries(store: DistributionStore) -> None:
    community, other = ObjectId(), ObjectId()
    a, b, c = ObjectId(), ObjectId(), ObjectId()
    history = [
        delivery(community, m, slot, f"2026-10-{d:02d}", NOW - timedelta(days=31 - d, hours=hours))
        for m in (a, b)
        for d in range(1, 32)
        for slot, hours in (("MORNING", 12), ("NOON", 8), ("EVENING", 1))
    ]
    history.append(delivery(other, c, "MORNING", "2026-11-01", NOW - timedelta(hours=2)))
    assert await store.deliveries.insert_deliveries(history) == len(history)
    members = [str(a), str(b), str(c)]
    recent = RecentDeliveries(store.deliveries)

    counted = await recent.counts(community, members, now=NOW)
    expected = await store.deliveries.count_deliveries_by_member_since(community, [a, b, c], NOW - timedelta(days=1))
    assert counted == expected == {str(a): 3, str(b): 3}

    # This process delivers `c` (a new member): counted at once, without another read.
    made = await store.deliveries.insert_new_deliveries(
        [
            delivery(community, c, "NOON", "2026-11-02", NOW + timedelta(minutes=1)),
            delivery(community, a, "EVENING", "2026-10-31", NOW),  # already delivered: not new
        ]
    )
    assert [d["member_id"] for d in made] == [c]
    recent.add(community, [str(d["member_id"]) for d in made], NOW + timedelta(minutes=1))
    assert await recent.counts(community, members, now=NOW + timedelta(minutes=2)) == {
        str(a): 3,
        str(b): 3,
        str(c): 1,
    }

    # Another process's delivery is seen once the read is REFRESH old; what left the last day no longer counts.
    await store.deliveries.insert_deliveries([delivery(community, b, "NOON", "2026-11-01", NOW + timedelta(minutes=3))])
    later = NOW + REFRESH + timedelta(minutes=1)
    expected = await store.deliveries.count_deliveries_by_member_since(community, [a, b, c], later - timedelta(days=1))
    assert await recent.counts(community, members, now=later) == expected == {str(a): 3, str(b): 4, str(c): 1}
