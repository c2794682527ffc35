"""The content connection's keyset reads and count run on an index on the real server, never a scan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from bson import ObjectId

from content_service.store.pieces import PiecesStore
from tests.query_plans import PlanProbe, plan_probe
from users_service.store.members import MembersStore

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
async def world(mongo_uri: str) -> AsyncIterator[tuple[PlanProbe, PiecesStore, ObjectId]]:
    async with plan_probe(mongo_uri) as probe:
        store = PiecesStore(probe.db)
        await store.ensure_indexes()
        community = ObjectId()
        await store.content.insert_many(
            [
                {
                    "community_id": community if n % 4 else ObjectId(),
                    "author_id": None,
                    "kind": "UGC",
                    "status": "PUBLISHED" if n % 3 else "DRAFT",
                    "title": f"piece {n}",
                    "body": "b",
                    "tags": ["tyres" if n % 2 else "chains"],
                    "created_at": NOW - timedelta(minutes=n // 2),
                    "published_at": NOW - timedelta(minutes=n // 2),
                }
                for n in range(300)
            ]
        )
        probe.clear()
        yield probe, store, community


async def test_a_page_after_a_cursor_reads_two_index_ranges(world: tuple[PlanProbe, PiecesStore, ObjectId]) -> None:
    probe, store, community = world
    first = await store.list_published_page(community, tag=None, after=None, limit=10)
    last = first[-1]
    assert last["published_at"] is not None
    probe.clear()

    await store.list_published_page(community, tag=None, after=(last["published_at"], last["_id"]), limit=10)

    assert await probe.plans() == ["IXSCAN community_status_published_id"] * 2


async def test_a_tagged_page_and_the_counts_use_their_indexes(world: tuple[PlanProbe, PiecesStore, ObjectId]) -> None:
    probe, store, community = world

    await store.list_published_page(community, tag="tyres", after=None, limit=10)
    await store.count_published(community, tag="tyres")

    plans = await probe.plans()
    assert plans[0] == "IXSCAN community_status_tags_published_id"
    assert all(plan.startswith("IXSCAN") for plan in plans)


async def test_a_member_page_after_a_cursor_reads_two_index_ranges(mongo_uri: str) -> None:
    async with plan_probe(mongo_uri) as probe:
        store = MembersStore(probe.db)
        await store.ensure_indexes()
        community = ObjectId()
        await store.members.insert_many(
            [
                {
                    "community_id": community if n % 3 else ObjectId(),
                    "handle": f"m{n}",
                    "handle_key": f"m{n}",
                    "display_name": f"M {n}",
                    "roles": ["MEMBER"],
                    "tier": "NEW",
                    "joined_at": NOW - timedelta(minutes=n // 2),
                }
                for n in range(200)
            ]
        )
        first = await store.list_page(community, after=None, limit=10)
        probe.clear()

        await store.list_page(community, after=(first[-1].joined_at, ObjectId(first[-1].id)), limit=10)

        assert await probe.plans() == ["IXSCAN community_joined_id"] * 2
