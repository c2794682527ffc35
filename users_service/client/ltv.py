"""LTV calls of `UsersClient` (mixed into it)."""

from __future__ import annotations

from infra.http import ServiceClient
from infra.paths import community_path
from users_service.schemas.ltv import LtvModelList, LtvModelRead, LtvTrain


class LtvClientMixin(ServiceClient):
    async def train_ltv(self, community_id: str, train_in: LtvTrain | None = None) -> LtvModelRead:
        """Train a new version for the community and write its predictions to members (can take minutes)."""
        path = f"{community_path(community_id)}/ltv/models"
        body = await self._call("POST", path, json=(train_in or LtvTrain()).to_wire())
        return LtvModelRead.model_validate(body)

    async def list_ltv_models(self, community_id: str, *, limit: int = 10) -> list[LtvModelRead]:
        path = f"{community_path(community_id)}/ltv/models"
        return LtvModelList.model_validate(await self._call("GET", path, params={"limit": limit})).models
