"""Lifecycle-stage calls of `UsersClient` (mixed into it)."""

from __future__ import annotations

from infra.http import ServiceClient
from infra.paths import community_path
from users_service.schemas.stage import StageRead


class StageClientMixin(ServiceClient):
    async def community_stage(self, community_id: str) -> StageRead:
        body = await self._call("GET", f"{community_path(community_id)}/stage")
        return StageRead.model_validate(body)
