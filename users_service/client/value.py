"""Member-value calls of `UsersClient` (mixed into it; other services and the gateway use `UsersClient`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic.alias_generators import to_camel

from infra.http import ServiceClient
from infra.paths import community_path, segment
from users_service.schemas.value import (
    LastActivity,
    RecomputeRequest,
    RfmPyramid,
    TierChangeList,
    TierChangeRead,
    TierDistribution,
    TierRunList,
    TierRunRead,
    TreatmentList,
    ValueConfig,
)


def _value(community_id: str) -> str:
    return f"{community_path(community_id)}/value"


class ValueClientMixin(ServiceClient):
    async def get_value_config(self, community_id: str) -> ValueConfig:
        return ValueConfig.model_validate(await self._call("GET", f"{_value(community_id)}/config"))

    async def update_value_config(self, community_id: str, changes: dict[str, Any]) -> ValueConfig:
        """Change only the given fields (snake_case names); the service validates the whole config."""
        body = await self._call(
            "PATCH", f"{_value(community_id)}/config", json={to_camel(k): v for k, v in changes.items()}
        )
        return ValueConfig.model_validate(body)

    async def recompute_tiers(self, community_id: str, as_of: datetime | None = None) -> TierRunRead:
        """Run the tier batch job now, or as of a moment (RFM scores, pyramid layers, tiers with history)."""
        body = RecomputeRequest(as_of=as_of).to_wire()
        return TierRunRead.model_validate(await self._call("POST", f"{_value(community_id)}/runs", json=body))

    async def last_activity_at(self, community_id: str) -> datetime | None:
        """When the community's latest engagement event happened (None without any)."""
        body = await self._call("GET", f"{_value(community_id)}/last-activity")
        return LastActivity.model_validate(body).at

    async def list_tier_runs(self, community_id: str, *, limit: int = 20) -> list[TierRunRead]:
        body = await self._call("GET", f"{_value(community_id)}/runs", params={"limit": limit})
        return TierRunList.model_validate(body).runs

    async def tier_distribution(self, community_id: str) -> TierDistribution:
        return TierDistribution.model_validate(await self._call("GET", f"{_value(community_id)}/tiers"))

    async def rfm_pyramid(self, community_id: str) -> RfmPyramid:
        """The three layers with their shares and treatments: what other services read to treat members."""
        return RfmPyramid.model_validate(await self._call("GET", f"{_value(community_id)}/pyramid"))

    async def treatments(self, community_id: str) -> TreatmentList:
        """Every layer's treatment and perks, without the pyramid's counts: what services read to act on a layer."""
        return TreatmentList.model_validate(await self._call("GET", f"{_value(community_id)}/treatments"))

    async def tier_history(self, community_id: str, member_id: str, *, limit: int = 20) -> list[TierChangeRead]:
        path = f"{_value(community_id)}/members/{segment(member_id, field='memberId')}/tier-history"
        return TierChangeList.model_validate(await self._call("GET", path, params={"limit": limit})).changes
