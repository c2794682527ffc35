"""The candidate sources' queries run on an index on the real server (SecantusDB's planner), never a scan.

The stores' own indexes on a scratch database, a few hundred pieces and boosts in two communities; each finder is
called and every query it sends is explained (tests/query_plans.py). Plans only, never timings.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from bson import ObjectId

from content_service.store.incentives import IncentivesStore
from content_service.store.pieces import PiecesStore
from tests.query_plans import PlanProbe, plan_probe

NOW = datetime.now(UTC)
TAGS = ["tyres", "chains", "saddles", "lights"]
STATUSES = ["PUBLISHED", "PUBLISHED", "PUBLISHED", "DRAFT", "HIDDEN"]


@dataclass
class World:
    probe: PlanProbe
    store: PiecesStore
    incentives: IncentivesStore
    community: ObjectId
    authors: list[ObjectId]
    items: list[ObjectId]


@pytest.fixture
async def world(mongo_uri: str) -> AsyncIterator[World]:
    async with plan_probe(mongo_uri) as probe:
        store, incentives = PiecesStore(probe.db), IncentivesStore(probe.db)
        await store.ensure_indexes()
        await incentives.ensure_indexes()
        community, other = ObjectId(), ObjectId()
        authors = [ObjectId() for _ in range(12)]
        items = [ObjectId() for _ in range(400)]
        await store.content.insert_many(
            [
                {
                    "_id": item,
                    "community_id": community if n % 5 else other,
                    "author_id": authors[n % 12],
                    "kind": "UGC",
                    "status": STATUSES[n % 5],
                    "title": f"piece {n}",
                    "body": "b",
                    "tags": [TAGS[n % 4], TAGS[(n + 1) % 4]],
                    "created_at": NOW - timedelta(hours=n),
                    "published_at": NOW - timedelta(hours=n),
                }
                for n, item in enumerate(items)
            ]
        )
        await incentives.boosts.insert_many(
            [
                {
                    "community_id": community if n % 5 else other,
                    "content_id": items[n],
                    "factor": 2.0 + n % 3,
                    "starts_at": NOW - timedelta(days=1),
                    "ends_at": NOW + timedelta(days=1 if n % 2 else -1),
                }
                for n in range(0, 400, 7)
            ]
        )
        probe.clear()
        yield World(probe, store, incentives, community, authors, items)


async def plans_of(world: World) -> list[str]:
    found = await world.probe.plans()
    world.probe.clear()
    return found


async def test_by_tag_uses_the_status_tags_index(world: World) -> None:
    found = await world.store.list_published_summaries_by_tags(world.community, ["tyres", "lights"], limit=50)
    assert await plans_of(world) == ["IXSCAN community_status_tags_published"]
    assert len(found) == 50
    assert [i.published_at for i in found] == sorted((i.published_at for i in found), reverse=True)


async def test_by_author_uses_the_status_author_index(world: World) -> None:
    found = await world.store.list_published_summaries_by_authors(world.community, world.authors[:2], limit=500)
    assert await plans_of(world) == ["IXSCAN community_status_author_published"]
    assert {i.author_id for i in found} == {str(a) for a in world.authors[:2]}


async def test_active_boosts_use_the_community_ends_index(world: World) -> None:
    active = await world.incentives.list_active_boosts(world.community)
    assert await plans_of(world) == ["IXSCAN community_ends"]
    # Odd n among multiples of 7 not divisible by 5 run now; even n ended yesterday.
    expected = {str(world.items[n]): 2.0 + n % 3 for n in range(0, 400, 7) if n % 2 and n % 5}
    assert active == expected


async def test_boosted_pieces_are_read_by_id(world: World) -> None:
    found = await world.store.list_published_summaries_by_ids(world.community, world.items[:40])
    assert await plans_of(world) == ["IXSCAN _id_"]
    assert sorted(found) == sorted(str(world.items[n]) for n in range(40) if n % 5 in (1, 2))


async def test_newest_items_widen_their_window_each_on_the_published_index(world: World) -> None:
    # 160 published pieces of this community over 17 days: a day holds 10, a week 67, a month all of them.
    newest = await world.store.list_published_summaries(world.community, limit=100)
    # then: the day and the week were too few, the month was enough, each one range of the index
    assert await plans_of(world) == ["IXSCAN community_status_published"] * 3
    published = [i for n, i in enumerate(world.items) if n % 5 and STATUSES[n % 5] == "PUBLISHED"]
    assert [s.id for s in newest] == [str(i) for i in published[:100]]


async def test_the_window_that_sufficed_is_asked_first_next_time(world: World) -> None:
    first = await world.store.list_published_summaries(world.community, limit=100)
    world.probe.clear()
    # when
    again = await world.store.list_published_summaries(world.community, limit=100)
    # then: straight to the month
    assert await plans_of(world) == ["IXSCAN community_status_published"]
    assert [s.id for s in again] == [s.id for s in first]


async def test_newest_items_reach_back_past_a_year_when_the_community_is_quiet(world: World) -> None:
    old = ObjectId()
    await world.store.content.insert_one(
        {
            "_id": old,
            "community_id": world.community,
            "author_id": world.authors[0],
            "kind": "UGC",
            "status": "PUBLISHED",
            "title": "old",
            "body": "b",
            "tags": [],
            "created_at": NOW - timedelta(days=900),
            "published_at": NOW - timedelta(days=900),
        }
    )
    world.probe.clear()
    newest = await world.store.list_published_summaries(world.community, limit=500)
    assert newest[-1].id == str(old)
    assert len(newest) == 1 + len([n for n in range(400) if n % 5 and STATUSES[n % 5] == "PUBLISHED"])
