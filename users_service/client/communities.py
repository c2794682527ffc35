"""Community calls of `UsersClient` (mixed into it), including the one "community exists" check."""

from __future__ import annotations

from infra.errors import NotFoundError
from infra.http import ServiceClient
from infra.paths import community_path, segment
from users_service.schemas.communities import CommunityCreate, CommunityRead


class CommunitiesClientMixin(ServiceClient):
    async def create_community(self, community_in: CommunityCreate) -> CommunityRead:
        body = await self._call("POST", "/communities", json=community_in.to_wire())
        return CommunityRead.model_validate(body)

    async def get_community(self, community_id: str) -> CommunityRead:
        """The community; NOT_FOUND when there is none with this id."""
        return CommunityRead.model_validate(await self._call("GET", community_path(community_id)))

    async def community_exists(self, community_id: str) -> bool:
        """Whether a community has this id: the one check other services make before acting on a community."""
        try:
            await self.get_community(community_id)
        except NotFoundError:
            return False
        return True

    async def get_community_by_slug(self, slug: str) -> CommunityRead:
        body = await self._call("GET", f"/communities/by-slug/{segment(slug, field='slug')}")
        return CommunityRead.model_validate(body)
