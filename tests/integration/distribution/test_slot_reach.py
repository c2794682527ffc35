"""A slot run's reach (SlotsService.slot_members): the partitions of one run, asked together, split one read of the
community's active and shown members, so each member falls in exactly one partition; a read older than the reuse
time is made again and finds members active since."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time
from types import SimpleNamespace
from typing import Any, cast

import pytest
from bson import ObjectId

from distribution_service.domain.honeycomb import Slot
from distribution_service.service.ranker import FeedRanker
from distribution_service.service.slots import SlotsService
from distribution_service.store import DistributionStore, Doc
from distribution_service.store.decisions import IMPRESSIONS_COUNTED


def event(community: ObjectId, member: ObjectId) -> Doc:
    now = datetime.now(UTC)
    return {
        "community_id": community,
        "member_id": member,
        "content_id": ObjectId(),
        "type": "OPEN",
        "occurred_at": now,
    }


def shown_decision(community: ObjectId, member: ObjectId) -> Doc:
    return {
        "community_id": community,
        "member_id": member,
        "at": datetime.now(UTC),
        "shown": [{"content_id": ObjectId(), "position": 0}],
        IMPRESSIONS_COUNTED: True,
    }


def slots_of(store: DistributionStore, *, reuse_seconds: float = 30.0) -> SlotsService:
    # No ranking here: slot_members reads only the store (the ranker's registry serves the inbox's reasons).
    ranker = cast(FeedRanker, SimpleNamespace(registry=None))
    return SlotsService(store, ranker, None, clocks={Slot.MORNING: time(8)}, reach_reuse_seconds=reuse_seconds)


def count_reads(store: DistributionStore, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each read of the community's active members (the first of a reach read's three) counted."""
    real = store.events.list_active_members
    reads: list[int] = []

    async def counted(*args: Any) -> list[str]:
        reads.append(1)
        return await real(*args)

    monkeypatch.setattr(store.events, "list_active_members", counted)
    return reads


async def test_partitions_asked_together_split_one_read(
    store: DistributionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    community = ObjectId()
    active = [ObjectId() for _ in range(5)]
    shown = ObjectId()
    await store.events.events.insert_many([event(community, m) for m in active])
    await store.decisions.insert_decisions([shown_decision(community, shown)])
    reads = count_reads(store, monkeypatch)
    slots = slots_of(store)
    # when: three workers ask for their partitions at once
    parts = await asyncio.gather(*(slots.slot_members(community, partition_index=i, partitions=3) for i in range(3)))
    # then: one read, and every member in exactly one partition
    everyone = [m for p in parts for m in p.member_ids]
    assert sorted(everyone) == sorted(str(m) for m in [*active, shown])
    assert len(everyone) == len(set(everyone))
    assert reads == [1]


async def test_a_read_past_its_reuse_is_made_again(store: DistributionStore, monkeypatch: pytest.MonkeyPatch) -> None:
    community, first, later = ObjectId(), ObjectId(), ObjectId()
    await store.events.events.insert_many([event(community, first)])
    reads = count_reads(store, monkeypatch)
    slots = slots_of(store)
    assert (await slots.slot_members(community, partition_index=0, partitions=1)).member_ids == [str(first)]
    await store.events.events.insert_many([event(community, later)])
    # Within the reuse time: the same reach (a run's partitions agree on who is in it).
    assert (await slots.slot_members(community, partition_index=0, partitions=1)).member_ids == [str(first)]
    assert reads == [1]
    # Past it: read again.
    slots.reach_reuse_seconds = 0.0
    again = await slots.slot_members(community, partition_index=0, partitions=1)
    assert again.member_ids == sorted([str(first), str(later)])
    assert reads == [1, 1]


async def test_a_forgotten_reach_is_read_again(store: DistributionStore, monkeypatch: pytest.MonkeyPatch) -> None:
    community, member = ObjectId(), ObjectId()
    await store.events.events.insert_many([event(community, member)])
    reads = count_reads(store, monkeypatch)
    slots = slots_of(store)
    await slots.slot_members(community, partition_index=0, partitions=1)
    slots.forget_reach(community)
    assert (await slots.slot_members(community, partition_index=0, partitions=1)).member_ids == [str(member)]
    assert reads == [1, 1]


async def test_another_communitys_reach_is_read_apart(
    store: DistributionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, other = ObjectId(), ObjectId()
    a, b = ObjectId(), ObjectId()
    await store.events.events.insert_many([event(one, a), event(other, b)])
    reads = count_reads(store, monkeypatch)
    slots = slots_of(store)
    assert (await slots.slot_members(one, partition_index=0, partitions=1)).member_ids == [str(a)]
    assert (await slots.slot_members(other, partition_index=0, partitions=1)).member_ids == [str(b)]
    assert reads == [1, 1]
