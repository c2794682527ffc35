"""Get-or-create a community by slug: the one way importers and seeders reach the community they write into."""

from __future__ import annotations

from infra.errors import ConflictError, NotFoundError
from users_service.client import UsersClient
from users_service.schemas import CommunityCreate, CommunityRead


async def get_or_create_community(users: UsersClient, community_in: CommunityCreate) -> tuple[CommunityRead, bool]:
    """The community with `community_in.slug`, created from `community_in` if absent; True when this call created it.

    Re-running a tool finds what the first run created. A concurrent creator wins the race on the unique slug and
    this call reads its community instead of failing.
    """
    try:
        return await users.get_community_by_slug(community_in.slug), False
    except NotFoundError:
        pass
    try:
        return await users.create_community(community_in), True
    except ConflictError:
        return await users.get_community_by_slug(community_in.slug), False
