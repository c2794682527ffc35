"""Sub-community calls of `UsersClient` (mixed into it)."""

from __future__ import annotations

from infra.http import ServiceClient
from infra.paths import community_path
from users_service.schemas.sub_communities import SubCommunitiesRead


class SubCommunitiesClientMixin(ServiceClient):
    async def sub_communities(self, community_id: str) -> SubCommunitiesRead:
        """The parent's children side by side and rolled up, with their incubation."""
        body = await self._call("GET", f"{community_path(community_id)}/sub-communities")
        return SubCommunitiesRead.model_validate(body)
