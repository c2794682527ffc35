"""ContentClient's incentives calls (mixed into `content_service.client.ContentClient`)."""

from __future__ import annotations

from typing import Any

from content_service.schemas.incentives import (
    BoostGrant,
    BoostRead,
    ContentStarResult,
    ContentStarRun,
    PendingPayout,
    PendingPayoutList,
)
from infra.http import ServiceClient
from infra.paths import community_path


class IncentiveCalls(ServiceClient):
    async def run_content_star(self, community_id: str, run: ContentStarRun) -> ContentStarResult:
        path = f"{community_path(community_id)}/content-star/runs"
        return ContentStarResult.model_validate(await self._call("POST", path, json=run.to_wire()))

    async def pending_payouts(
        self, community_id: str, *, status: str | None = None, limit: int = 100
    ) -> list[PendingPayout]:
        params: dict[str, Any] = {"limit": limit}
        if status:
            params["status"] = status
        body = await self._call("GET", f"{community_path(community_id)}/pending-payouts", params=params)
        return PendingPayoutList.model_validate(body).items

    async def grant_boost(self, community_id: str, grant: BoostGrant) -> BoostRead:
        path = f"{community_path(community_id)}/exposure-boosts"
        return BoostRead.model_validate(await self._call("POST", path, json=grant.to_wire()))
