"""`BillingClient`: the only way other services and the gateway reach billing_service."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from billing_service.schemas import (
    MembershipLookupResult,
    PlanCreate,
    PlanList,
    PlanRead,
    RevenueByMember,
    SubscriptionCreate,
    SubscriptionRead,
)
from infra.http import ServiceClient


def _base(community_id: str) -> str:
    return f"/communities/{quote(community_id, safe='')}"


class BillingClient(ServiceClient):
    service_name = "billing"

    async def create_plan(self, community_id: str, plan_in: PlanCreate) -> PlanRead:
        body = await self._call("POST", f"{_base(community_id)}/plans", json=plan_in.to_wire())
        return PlanRead.model_validate(body)

    async def list_plans(self, community_id: str) -> list[PlanRead]:
        return PlanList.model_validate(await self._call("GET", f"{_base(community_id)}/plans")).items

    async def subscribe(self, community_id: str, subscription_in: SubscriptionCreate) -> SubscriptionRead:
        body = await self._call("POST", f"{_base(community_id)}/subscriptions", json=subscription_in.to_wire())
        return SubscriptionRead.model_validate(body)

    async def lookup_memberships(self, community_id: str, member_ids: list[str]) -> list[SubscriptionRead | None]:
        """Each member's live subscription in the order asked; None where there is none."""
        body = await self._call("POST", f"{_base(community_id)}/memberships/lookup", json={"memberIds": member_ids})
        return MembershipLookupResult.model_validate(body).memberships

    async def revenue_by_member(self, community_id: str, since: datetime | None = None) -> dict[str, int]:
        """Member id → money paid (integer minor units) since `since`; members who paid nothing are absent."""
        params = {"since": since.isoformat()} if since else None
        body = await self._call("GET", f"{_base(community_id)}/revenue/by-member", params=params)
        return RevenueByMember.model_validate(body).members
