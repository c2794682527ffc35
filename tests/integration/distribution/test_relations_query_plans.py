"""Each query of a member's follows and blocks runs on an index on the real server (SecantusDB's planner)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from bson import ObjectId

from distribution_service.store import DistributionStore
from distribution_service.store.relations import BLOCKS, FOLLOWS
from tests.query_plans import PlanProbe, plan_probe

UNIQUE = "IXSCAN community_member_author_unique"


@dataclass
class World:
    probe: PlanProbe
    store: DistributionStore
    community: ObjectId
    members: list[ObjectId]


@pytest.fixture
async def world(mongo_uri: str) -> AsyncIterator[World]:
    async with plan_probe(mongo_uri) as probe:
        store = DistributionStore(probe.db)
        await store.relations.ensure_indexes()
        community, other = ObjectId(), ObjectId()
        members = [ObjectId() for _ in range(40)]
        for kind in (FOLLOWS, BLOCKS):
            await store.relations.collections[kind].insert_many(
                [
                    {"community_id": c, "member_id": m, "author_id": members[(n + k) % 40], "created_at": None}
                    for n, m in enumerate(members)
                    for k in range(1, 6)
                    for c in (community, other)
                ]
            )
        probe.clear()
        yield World(probe, store, community, members)


async def plans_of(world: World) -> list[str]:
    found = await world.probe.plans()
    world.probe.clear()
    return found


async def test_relation_writes_and_point_reads_use_the_unique_index(world: World) -> None:
    member, author = world.members[0], world.members[20]
    assert await world.store.relations.get_relation(BLOCKS, world.community, member, author) is False
    assert await world.store.relations.insert_relation(FOLLOWS, world.community, member, author) is True
    assert await world.store.relations.insert_relation(FOLLOWS, world.community, member, author) is False
    assert await world.store.relations.delete_relation(FOLLOWS, world.community, member, author) is True
    # The read, both upserts' filters and the delete's filter, each on the unique index.
    assert await plans_of(world) == [UNIQUE, UNIQUE, UNIQUE, UNIQUE]


async def test_a_members_relations_are_listed_newest_first_on_their_index(world: World) -> None:
    listed = await world.store.relations.list_relations(FOLLOWS, world.community, world.members[3], limit=100)
    assert await plans_of(world) == [UNIQUE]
    assert sorted(listed) == sorted(str(world.members[(3 + k) % 40]) for k in range(1, 6))


async def test_a_batch_of_members_is_one_query_per_collection(world: World) -> None:
    found = await world.store.relations.list_relations_by_members(BLOCKS, world.community, world.members[:30])
    assert await plans_of(world) == [UNIQUE]
    assert {m: len(a) for m, a in found.items()} == {str(m): 5 for m in world.members[:30]}
