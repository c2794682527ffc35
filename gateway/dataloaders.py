"""Per-request DataLoaders: one batched call per service however many items a response holds."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from strawberry.dataloader import DataLoader

from billing_service.client import BillingClient
from billing_service.schemas import SubscriptionRead
from content_service.client import ContentClient
from content_service.schemas import ContentRead
from infra.errors import ServiceError
from users_service.client import UsersClient
from users_service.schemas import CommunityRead, MemberRead

T = TypeVar("T")
Key = tuple[str, str]  # (community id, id): every lookup is scoped to a community.
Lookup = Callable[[str, list[str]], Awaitable[Sequence[T | None]]]


def scoped_loader(lookup: Lookup[T]) -> DataLoader[Key, T | None]:
    """Batch keys by community; a failed call puts its error in each of that community's slots."""

    async def load(keys: list[Key]) -> list[T | None | BaseException]:
        by_community: dict[str, list[str]] = defaultdict(list)
        for community_id, item_id in keys:
            by_community[community_id].append(item_id)
        found: dict[Key, T | None | BaseException] = {}
        for community_id, ids in by_community.items():
            unique = list(dict.fromkeys(ids))
            try:
                values = await lookup(community_id, unique)
            except ServiceError as exc:
                for item_id in unique:
                    found[(community_id, item_id)] = exc
                continue
            for item_id, value in zip(unique, values, strict=True):
                found[(community_id, item_id)] = value
        return [found[key] for key in keys]

    return DataLoader(load_fn=load)


def community_by_id_loader(users: UsersClient) -> DataLoader[str, CommunityRead]:
    async def load(ids: list[str]) -> list[CommunityRead | BaseException]:
        results: list[CommunityRead | BaseException] = []
        for community_id in ids:
            try:
                results.append(await users.get_community(community_id))
            except ServiceError as exc:
                results.append(exc)
        return results

    return DataLoader(load_fn=load)


class Loaders:
    def __init__(self, users: UsersClient, content: ContentClient, billing: BillingClient) -> None:
        self.member_by_id: DataLoader[Key, MemberRead | None] = scoped_loader(users.lookup_members)
        self.content_by_id: DataLoader[Key, ContentRead | None] = scoped_loader(content.lookup)
        self.membership_by_member_id: DataLoader[Key, SubscriptionRead | None] = scoped_loader(
            billing.lookup_memberships
        )
        self.community_by_id = community_by_id_loader(users)
