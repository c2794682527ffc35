"""billing_service's rules for plans and subscriptions."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

from bson import ObjectId

from billing_service.domain.plans import Interval, SubscriptionStatus, period_end
from billing_service.schemas import PlanCreate, PlanRead, RevenueByMember, SubscriptionCreate, SubscriptionRead
from billing_service.store import BillingStore
from infra.errors import NotFoundError
from infra.schemas import object_id

MAX_PLANS = 100


def request_fingerprint(payload: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


class BillingService:
    def __init__(self, store: BillingStore) -> None:
        self.store = store

    async def create_plan(self, community_id: str, plan_in: PlanCreate) -> PlanRead:
        cid = object_id(community_id, field="communityId")
        return await self.store.create_plan(cid, plan_in.model_dump(mode="json"))

    async def list_plans(self, community_id: str) -> list[PlanRead]:
        return await self.store.list_plans(object_id(community_id, field="communityId"), limit=MAX_PLANS)

    async def subscribe(self, community_id: str, subscription_in: SubscriptionCreate) -> SubscriptionRead:
        """Start a subscription to a plan of this community; a plan with a trial starts in TRIALING."""
        cid = object_id(community_id, field="communityId")
        plan = await self.store.get_plan_doc(cid, ObjectId(subscription_in.plan_id))
        if plan is None:
            raise NotFoundError(f"no plan with id {subscription_in.plan_id} in this community", field="planId")
        now = datetime.now(UTC)
        if plan.get("trial_days"):
            status, end = SubscriptionStatus.TRIALING, now + timedelta(days=plan["trial_days"])
        else:
            status, end = SubscriptionStatus.ACTIVE, period_end(now, Interval(plan["interval"]))
        return await self.store.create_subscription(
            community_id=cid,
            member_id=ObjectId(subscription_in.member_id),
            plan=plan,
            idempotency_key=subscription_in.idempotency_key,
            request_hash=request_fingerprint({"planId": subscription_in.plan_id}),
            subscription={
                "plan_id": plan["_id"],
                "status": status.value,
                "current_period_start": now,
                "current_period_end": end,
                "created_at": now,
            },
        )

    async def lookup_memberships(self, community_id: str, member_ids: list[str]) -> list[SubscriptionRead | None]:
        cid = object_id(community_id, field="communityId")
        live = await self.store.list_live_subscriptions(cid, [ObjectId(i) for i in dict.fromkeys(member_ids)])
        return [live.get(i) for i in member_ids]

    async def revenue_by_member(self, community_id: str, since: datetime | None) -> RevenueByMember:
        cid = object_id(community_id, field="communityId")
        return RevenueByMember(members=await self.store.sum_charged_by_member(cid, since))
