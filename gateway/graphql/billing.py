"""Plans, subscriptions, coupons and the billing cycle."""

from __future__ import annotations

from datetime import datetime

import strawberry

from billing_service.schemas import CouponCreate, PlanChange, PlanCreate, SubscriptionCancel, SubscriptionCreate
from gateway.context import GatewayContext, Info
from gateway.graphql.billing_types import BillingCycleResult, BillingNotification, Coupon
from gateway.graphql.enums import PlanInterval, SubscriptionStatus
from gateway.graphql.pagination import MAX_FIRST, check_first
from gateway.graphql.types import Plan, Subscription
from infra.errors import ForbiddenError


async def member_or_operator(ctx: GatewayContext, community_id: str | None) -> tuple[str, str | None]:
    """(community, member id): operators and the admin key act on any subscription of the community (member
    id None); a member acts on their own only."""
    if ctx.viewer.is_admin:
        return await ctx.operator_community(community_id), None
    member = await ctx.require_member()
    if community_id and community_id != member.community_id:
        raise ForbiddenError("members act in their own community only", field="communityId")
    return member.community_id, None if "OPERATOR" in member.roles else member.id


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
    benefits: list[str] | None = None


@strawberry.input
class SubscribeInput:
    plan_id: strawberry.ID
    idempotency_key: str = strawberry.field(
        description="Up to 255 characters, scoped to the caller: a replay returns the first result."
    )
    payment_method: str | None = strawberry.field(
        default=None,
        description="A provider token (sandbox: tok_success, tok_decline, tok_timeout, tok_delayed). Without one a "
        "plan with a trial starts it; outside production the sandbox's default method is charged.",
    )
    coupon_code: str | None = None


@strawberry.type
class SubscribePayload:
    subscription: Subscription


@strawberry.input
class CancelSubscriptionInput:
    subscription_id: strawberry.ID
    at_period_end: bool = strawberry.field(
        default=True, description="True: benefits until the period ends, no renewal. False: ends now, no refund."
    )
    community_id: strawberry.ID | None = None


@strawberry.input
class ChangePlanInput:
    subscription_id: strawberry.ID
    plan_id: strawberry.ID
    idempotency_key: str
    payment_method: str | None = None
    community_id: strawberry.ID | None = None


@strawberry.input
class CreateCouponInput:
    code: str
    percent_off: int = 0
    amount_off_cents: int = 0
    duration: str = strawberry.field(default="ONCE", description="ONCE (first charge) or FOREVER.")
    max_redemptions: int = 1000
    audience: str | None = strawberry.field(default=None, description="E.g. the RFM layer a batch offer targets.")
    community_id: strawberry.ID | None = None


@strawberry.input
class RunBillingCycleInput:
    now: datetime | None = strawberry.field(default=None, description="The cycle's clock (tests, catch-up runs).")


@strawberry.type
class BillingQuery:
    @strawberry.field(description="Plans of the caller's community (the admin key names one with communityId).")
    async def plans(
        self, info: Info, community_id: strawberry.ID | None = None, first: int = MAX_FIRST
    ) -> list[Plan] | None:
        limit = check_first(first)
        cid = await info.context.reader_community(community_id)
        return [Plan.from_read(p) for p in (await info.context.services.billing.list_plans(cid))[:limit]]

    @strawberry.field(description="Operators: the community's subscriptions, newest first, by status.")
    async def subscriptions(
        self,
        info: Info,
        status: list[SubscriptionStatus] | None = None,
        first: int = 20,
        community_id: strawberry.ID | None = None,
    ) -> list[Subscription]:
        check_first(first)
        cid = await info.context.operator_community(community_id)
        statuses = [s.value for s in status or []]
        reads = await info.context.services.billing.list_subscriptions(cid, statuses, first)
        return [Subscription.from_read(r) for r in reads]

    @strawberry.field(description="Operators: dunning notices (failed payment, final notice, blocked, canceled).")
    async def billing_notifications(
        self, info: Info, first: int = 20, community_id: strawberry.ID | None = None
    ) -> list[BillingNotification]:
        check_first(first)
        cid = await info.context.operator_community(community_id)
        reads = await info.context.services.billing.list_notifications(cid, first)
        return [
            BillingNotification(
                id=strawberry.ID(r.id),
                kind=r.kind,
                subscription_id=strawberry.ID(r.subscription_id),
                member_id=strawberry.ID(r.member_id),
                message=r.message,
                created_at=r.created_at,
            )
            for r in reads
        ]


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
            benefits=input.benefits or [],
        )
        ctx = info.context
        community_id = await ctx.operator_community(input.community_id)
        community = await ctx.services.users.get_community(community_id)
        return Plan.from_read(await ctx.services.billing.create_plan(community.id, plan_in))

    @strawberry.mutation(description="Subscribe the caller to a plan; the same idempotency key twice creates one.")
    async def subscribe(self, info: Info, input: SubscribeInput) -> SubscribePayload:
        member = await info.context.require_member()
        subscription_in = SubscriptionCreate(
            member_id=member.id,
            plan_id=str(input.plan_id),
            idempotency_key=input.idempotency_key,
            payment_method=input.payment_method,
            coupon_code=input.coupon_code,
        )
        read = await info.context.services.billing.subscribe(member.community_id, subscription_in)
        return SubscribePayload(subscription=Subscription.from_read(read))

    @strawberry.mutation(description="A member cancels their own; operators any in their community.")
    async def cancel_subscription(self, info: Info, input: CancelSubscriptionInput) -> Subscription:
        cid, member_id = await member_or_operator(info.context, input.community_id)
        cancel_in = SubscriptionCancel(
            subscription_id=str(input.subscription_id), at_period_end=input.at_period_end, member_id=member_id
        )
        return Subscription.from_read(await info.context.services.billing.cancel_subscription(cid, cancel_in))

    @strawberry.mutation(description="Upgrades apply at once with a prorated charge; downgrades at period end.")
    async def change_plan(self, info: Info, input: ChangePlanInput) -> Subscription:
        cid, member_id = await member_or_operator(info.context, input.community_id)
        change_in = PlanChange(
            subscription_id=str(input.subscription_id),
            plan_id=str(input.plan_id),
            idempotency_key=input.idempotency_key,
            payment_method=input.payment_method,
            member_id=member_id,
        )
        return Subscription.from_read(await info.context.services.billing.change_plan(cid, change_in))

    @strawberry.mutation(description="Operators: a coupon or batch offer for subscriptions.")
    async def create_coupon(self, info: Info, input: CreateCouponInput) -> Coupon:
        cid = await info.context.operator_community(input.community_id)
        coupon_in = CouponCreate(
            code=input.code,
            percent_off=input.percent_off,
            amount_off_cents=input.amount_off_cents,
            duration=input.duration,
            max_redemptions=input.max_redemptions,
            audience=input.audience,
        )
        read = await info.context.services.billing.create_coupon(cid, coupon_in)
        return Coupon(
            id=strawberry.ID(read.id),
            code=read.code,
            percent_off=read.percent_off,
            amount_off_cents=read.amount_off_cents,
            duration=read.duration,
            max_redemptions=read.max_redemptions,
            remaining=read.remaining,
            audience=read.audience,
        )

    @strawberry.mutation(description="Admin key: run the billing cycle now (renewals, dunning, recognition).")
    async def run_billing_cycle(self, info: Info, input: RunBillingCycleInput) -> BillingCycleResult:
        info.context.require_admin()
        result = await info.context.services.billing.run_billing_cycle(input.now)
        return BillingCycleResult(**result.model_dump())
