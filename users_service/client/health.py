"""Health-indicator calls of `UsersClient` (mixed into it)."""

from __future__ import annotations

from infra.http import ServiceClient
from infra.paths import community_path, segment
from users_service.schemas.health import AlertList, IndicatorDetail, IndicatorList, IndicatorRead, TargetUpdate


class HealthClientMixin(ServiceClient):
    async def health_indicators(self, community_id: str, level: str) -> IndicatorList:
        body = await self._call("GET", f"{community_path(community_id)}/health/indicators", params={"level": level})
        return IndicatorList.model_validate(body)

    async def health_indicator(self, community_id: str, key: str, *, limit: int = 90) -> IndicatorDetail:
        path = f"{community_path(community_id)}/health/indicators/{segment(key, field='key')}"
        return IndicatorDetail.model_validate(await self._call("GET", path, params={"limit": str(limit)}))

    async def set_health_target(self, community_id: str, update: TargetUpdate) -> IndicatorRead:
        path = f"{community_path(community_id)}/health/targets"
        return IndicatorRead.model_validate(await self._call("PUT", path, json=update.to_wire()))

    async def compute_health(self, community_id: str) -> IndicatorList:
        """A snapshot now (what the daily job does), returning the primary indicators."""
        body = await self._call("POST", f"{community_path(community_id)}/health/snapshots")
        return IndicatorList.model_validate(body)

    async def health_alerts(self, community_id: str, *, status: str | None = None, limit: int = 50) -> AlertList:
        params = {"limit": str(limit), **({"status": status} if status else {})}
        body = await self._call("GET", f"{community_path(community_id)}/health/alerts", params=params)
        return AlertList.model_validate(body)
