"""Lifecycle-stage calls of `UsersClient` (mixed into it)."""

from __future__ import annotations

from urllib.parse import quote

from infra.http import ServiceClient
from users_service.stage.schemas import StageRead


class StageClientMixin(ServiceClient):
    async def community_stage(self, community_id: str) -> StageRead:
        body = await self._call("GET", f"/communities/{quote(community_id, safe='')}/stage")
        return StageRead.model_validate(body)
