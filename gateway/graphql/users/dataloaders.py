"""Loaders of members and communities, one instance per request."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from gateway.graphql.loaders import Key, scoped_batch
from infra.errors import ServiceError
from users_service.client import UsersClient
from users_service.schemas import CommunityRead, MemberRead


class MemberByIdLoader(DataLoader[Key, MemberRead | None]):
    def __init__(self, users: UsersClient) -> None:
        super().__init__(load_fn=scoped_batch(users.lookup_members))


class CommunityByIdLoader(DataLoader[str, CommunityRead]):
    def __init__(self, users: UsersClient) -> None:
        async def load(ids: list[str]) -> list[CommunityRead | BaseException]:
            results: list[CommunityRead | BaseException] = []
            for community_id in ids:
                try:
                    results.append(await users.get_community(community_id))
                except ServiceError as exc:
                    results.append(exc)
            return results

        super().__init__(load_fn=load)
