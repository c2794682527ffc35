"""Communities: creation (with an optional parent) and the one "community exists" check every concept uses."""

from __future__ import annotations

from datetime import datetime

from bson import ObjectId

from infra.errors import NotFoundError
from users_service.schemas.communities import CommunityCreate, CommunityRead
from users_service.store.communities import CommunitiesStore


class CommunityNotFound(NotFoundError):
    """No community with this id or slug."""


class CommunitiesService:
    def __init__(self, store: CommunitiesStore) -> None:
        self.store = store

    async def create(self, community_in: CommunityCreate) -> CommunityRead:
        parent_id = None
        if community_in.parent_id:
            parent_id = ObjectId(community_in.parent_id)
            await self.get_or_raise(parent_id, field="parentId")
        return await self.store.create(
            slug=community_in.slug, name=community_in.name, timezone=community_in.timezone, parent_id=parent_id
        )

    async def get_or_raise(self, community_id: ObjectId, *, field: str = "communityId") -> CommunityRead:
        """The community, or NOT_FOUND naming `field`: the check every community-scoped write and report makes."""
        community = await self.store.get(community_id)
        if community is None:
            raise CommunityNotFound(f"no community with id {community_id}", field=field)
        return community

    async def get_by_slug_or_raise(self, slug: str) -> CommunityRead:
        community = await self.store.get_by_slug(slug.strip().lower())
        if community is None:
            raise CommunityNotFound(f"no community with slug {slug!r}", field="slug")
        return community

    async def mark_imported(self, community_id: ObjectId, at: datetime) -> None:
        await self.store.mark_imported(community_id, at)

    async def imported_at(self, community_id: ObjectId) -> datetime | None:
        """When members were last imported (an imported history is scored as of its last activity)."""
        return await self.store.get_imported_at(community_id)

    async def count_sub_communities(self, community_id: ObjectId) -> int:
        """Partner sub-communities incubated under this one."""
        return await self.store.count_sub_communities(community_id)

    async def list_ids(self) -> list[ObjectId]:
        """Every community (the daily jobs walk them)."""
        return await self.store.list_ids()
