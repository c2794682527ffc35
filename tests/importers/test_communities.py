"""Get-or-create community: the one way importers and seeders reach the community they write into."""

from __future__ import annotations

import asyncio

from composition.communities import get_or_create_community
from composition.topology import Topology
from tests.factories import Api
from users_service.schemas import CommunityCreate


async def test_creates_once_and_then_finds_it(api: Api) -> None:
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    community_in = CommunityCreate(slug="club", name="Club", timezone="Europe/Paris")
    created, fresh = await get_or_create_community(services.users, community_in)
    found, again = await get_or_create_community(services.users, community_in.model_copy(update={"name": "Other"}))
    assert (fresh, again) == (True, False)
    assert (found.id, found.name, found.timezone) == (created.id, "Club", "Europe/Paris")


async def test_two_concurrent_callers_get_the_same_community_and_one_created_it(api: Api) -> None:
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    community_in = CommunityCreate(slug="race", name="Race")
    results = await asyncio.gather(*(get_or_create_community(services.users, community_in) for _ in range(2)))
    assert len({community.id for community, _ in results}) == 1
    assert sorted(fresh for _, fresh in results) == [False, True]
