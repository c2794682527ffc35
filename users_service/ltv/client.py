"""LTV calls of `UsersClient` (mixed into it)."""

from __future__ import annotations

from urllib.parse import quote

from infra.http import ServiceClient
from users_service.ltv.schemas import LtvModelList, LtvModelRead, LtvTrain


class LtvClientMixin(ServiceClient):
    async def train_ltv(self, community_id: str, train_in: LtvTrain | None = None) -> LtvModelRead:
        """Train a new version for the community and write its predictions to members (can take minutes)."""
        path = f"/communities/{quote(community_id, safe='')}/ltv/models"
        body = await self._call("POST", path, json=(train_in or LtvTrain()).to_wire())
        return LtvModelRead.model_validate(body)

    async def list_ltv_models(self, community_id: str, *, limit: int = 10) -> list[LtvModelRead]:
        path = f"/communities/{quote(community_id, safe='')}/ltv/models"
        return LtvModelList.model_validate(await self._call("GET", path, params={"limit": limit})).models
