"""Loaders of members, communities and campaigns, one instance per request."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from gateway.graphql.loaders import Key, one_by_one, scoped_batch
from users_service.client import UsersClient
from users_service.schemas import CampaignRead, CommunityRead, MemberRead


class MemberByIdLoader(DataLoader[Key, MemberRead | None]):
    """`cached=True`: members as users_service's process kept them, up to MEMBER_READ_TTL_SECONDS old (the caller
    behind a request)."""

    def __init__(self, users: UsersClient, *, cached: bool = False) -> None:
        async def lookup(community_id: str, ids: list[str]) -> list[MemberRead | None]:
            return await users.lookup_members(community_id, ids, cached=cached)

        super().__init__(load_fn=scoped_batch(lookup))


class CampaignByIdLoader(DataLoader[Key, CampaignRead | None]):
    def __init__(self, users: UsersClient) -> None:
        super().__init__(load_fn=scoped_batch(users.lookup_campaigns))


class CommunityByIdLoader(DataLoader[str, CommunityRead]):
    def __init__(self, users: UsersClient) -> None:
        super().__init__(load_fn=one_by_one(users.get_community))
