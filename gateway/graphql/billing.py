"""Plans and subscriptions."""

from __future__ import annotations

import strawberry

from billing_service.schemas import PlanCreate, SubscriptionCreate
from gateway.context import Info
from gateway.graphql.enums import PlanInterval
from gateway.graphql.types import Plan, Subscription


@strawberry.input
class CreatePlanInput:
    community_id: strawberry.ID | None = strawberry.field(
        default=None, description="Required with the admin key; an operator's token implies their community."
    )
    name: str
    price_cents: int
    currency: str
    interval: PlanInterval
    trial_days: int = 0


@strawberry.input
class SubscribeInput:
    plan_id: strawberry.ID
    idempotency_key: str = strawberry.field(
        description="Up to 255 characters, scoped to the caller: a replay returns the first result."
    )


@strawberry.type
class SubscribePayload:
    subscription: Subscription


@strawberry.type
class BillingQuery:
    @strawberry.field(description="Plans of the caller's community (the admin key names one with communityId).")
    async def plans(self, info: Info, community_id: strawberry.ID | None = None) -> list[Plan] | None:
        cid = await info.context.reader_community(str(community_id) if community_id else None)
        return [Plan.from_read(p) for p in await info.context.services.billing.list_plans(cid)]


@strawberry.type
class BillingMutation:
    @strawberry.mutation(description="Admin, or an operator of the community.")
    async def create_plan(self, info: Info, input: CreatePlanInput) -> Plan:
        plan_in = PlanCreate(
            name=input.name,
            price_cents=input.price_cents,
            currency=input.currency,
            interval=input.interval.value,
            trial_days=input.trial_days,
        )
        ctx = info.context
        community_id = await ctx.operator_community(str(input.community_id) if input.community_id else None)
        community = await ctx.services.users.get_community(community_id)
        return Plan.from_read(await ctx.services.billing.create_plan(community.id, plan_in))

    @strawberry.mutation(description="Subscribe the caller to a plan; the same idempotency key twice creates one.")
    async def subscribe(self, info: Info, input: SubscribeInput) -> SubscribePayload:
        member = await info.context.require_member()
        subscription_in = SubscriptionCreate(
            member_id=member.id, plan_id=str(input.plan_id), idempotency_key=input.idempotency_key
        )
        read = await info.context.services.billing.subscribe(member.community_id, subscription_in)
        return SubscribePayload(subscription=Subscription.from_read(read))
