"""Object types of the public schema. Fields that live in another service resolve through loaders."""

from __future__ import annotations

from datetime import datetime

import strawberry

from billing_service.schemas import PlanRead, SubscriptionRead
from content_service.schemas import ContentRead
from gateway.context import Info
from gateway.graphql.enums import ContentKind, ContentStatus, PlanInterval, Role, SubscriptionStatus, Tier
from gateway.graphql.users_enums import RfmLayer
from users_service.schemas import CommunityRead, MemberRead


@strawberry.type(description="A community (tenant); partner sub-communities name their parent.")
class Community:
    id: strawberry.ID
    slug: str
    name: str
    timezone: str
    parent_id: strawberry.ID | None

    @staticmethod
    def from_read(read: CommunityRead) -> Community:
        return Community(
            id=strawberry.ID(read.id),
            slug=read.slug,
            name=read.name,
            timezone=read.timezone,
            parent_id=strawberry.ID(read.parent_id) if read.parent_id else None,
        )


@strawberry.type
class Plan:
    id: strawberry.ID
    name: str
    price_cents: int = strawberry.field(description="Price in integer minor units of `currency`.")
    currency: str
    interval: PlanInterval
    trial_days: int
    benefits: list[str]

    @staticmethod
    def from_read(read: PlanRead) -> Plan:
        return Plan(
            id=strawberry.ID(read.id),
            name=read.name,
            price_cents=read.price_cents,
            currency=read.currency,
            interval=PlanInterval(read.interval.value),
            trial_days=read.trial_days,
            benefits=read.benefits,
        )


@strawberry.type
class Subscription:
    id: strawberry.ID
    status: SubscriptionStatus
    plan: Plan
    current_period_start: datetime
    current_period_end: datetime
    member_id: strawberry.ID
    cancel_at_period_end: bool
    pending_plan_id: strawberry.ID | None = strawberry.field(description="A downgrade that applies at period end.")
    access_blocked: bool = strawberry.field(description="True from dunning day 14 until paid.")
    latest_payment_id: strawberry.ID | None

    @staticmethod
    def from_read(read: SubscriptionRead) -> Subscription:
        return Subscription(
            id=strawberry.ID(read.id),
            status=SubscriptionStatus(read.status.value),
            plan=Plan.from_read(read.plan),
            current_period_start=read.current_period_start,
            current_period_end=read.current_period_end,
            member_id=strawberry.ID(read.member_id),
            cancel_at_period_end=read.cancel_at_period_end,
            pending_plan_id=strawberry.ID(read.pending_plan_id) if read.pending_plan_id else None,
            access_blocked=read.access_blocked,
            latest_payment_id=strawberry.ID(read.latest_payment_id) if read.latest_payment_id else None,
        )


@strawberry.type(description="A member's live subscription: what they hold now.")
class Membership:
    subscription_id: strawberry.ID
    status: SubscriptionStatus
    plan: Plan
    current_period_end: datetime
    cancel_at_period_end: bool
    access_blocked: bool = strawberry.field(description="Dunning blocked access: benefits are withheld until paid.")

    @staticmethod
    def from_read(read: SubscriptionRead) -> Membership:
        return Membership(
            subscription_id=strawberry.ID(read.id),
            status=SubscriptionStatus(read.status.value),
            plan=Plan.from_read(read.plan),
            current_period_end=read.current_period_end,
            cancel_at_period_end=read.cancel_at_period_end,
            access_blocked=read.access_blocked,
        )


@strawberry.type(description="A member of one community.")
class User:
    id: strawberry.ID
    handle: str
    display_name: str
    roles: list[Role]
    tier: Tier
    joined_at: datetime
    community_id: strawberry.Private[str]
    rfm_layer: RfmLayer = strawberry.field(description="RFM pyramid layer; BASE until the first batch run.")
    ltv: int | None = strawberry.field(
        description="Predicted value over the next 12 months, integer minor units; null until an LTV model exists."
    )

    @strawberry.field
    async def community(self, info: Info) -> Community:
        return Community.from_read(await info.context.loaders.community_by_id.load(self.community_id))

    @strawberry.field(description="The member's live subscription, or null when they hold none.")
    async def membership(self, info: Info) -> Membership | None:
        read = await info.context.loaders.membership_by_member_id.load((self.community_id, str(self.id)))
        return Membership.from_read(read) if read else None

    @staticmethod
    def from_read(read: MemberRead) -> User:
        return User(
            id=strawberry.ID(read.id),
            handle=read.handle,
            display_name=read.display_name,
            roles=[Role(r.value) for r in read.roles],
            tier=Tier(read.tier.value),
            joined_at=read.joined_at,
            community_id=read.community_id,
            rfm_layer=RfmLayer(read.rfm_layer.value),
            ltv=read.ltv_cents,
        )


@strawberry.type
class Content:
    id: strawberry.ID
    kind: ContentKind
    status: ContentStatus
    title: str
    body: str
    tags: list[str]
    created_at: datetime
    published_at: datetime | None
    community_id: strawberry.Private[str]
    author_id: strawberry.Private[str | None]
    publish_at: datetime | None = None
    paragraphs: int = 1
    media_duration_ms: int | None = None
    cost_minor: strawberry.Private[int | None] = None
    production_cost_currency: str | None = None
    template_id: strawberry.ID | None = None
    credit_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Members credited for a co-created piece."
    )
    review_reasons: list[str] = strawberry.field(
        default_factory=list, description="Why the piece went to review (empty when it published at once)."
    )

    @strawberry.field(description="True for COMMERCIAL content, which readers must always see labelled.")
    def is_commercial(self) -> bool:
        return self.kind == ContentKind.COMMERCIAL

    @strawberry.field(description="Null when the author's account no longer exists.")
    async def author(self, info: Info) -> User | None:
        if not self.author_id:
            return None
        read = await info.context.loaders.member_by_id.load((self.community_id, self.author_id))
        return User.from_read(read) if read else None

    @staticmethod
    def from_read(read: ContentRead) -> Content:
        return Content(
            id=strawberry.ID(read.id),
            kind=ContentKind(read.kind.value),
            status=ContentStatus(read.status.value),
            title=read.title,
            body=read.body,
            tags=read.tags,
            created_at=read.created_at,
            published_at=read.published_at,
            community_id=read.community_id,
            author_id=read.author_id,
            publish_at=read.publish_at,
            paragraphs=read.paragraphs,
            media_duration_ms=read.media_duration_ms,
            cost_minor=read.production_cost_minor,
            production_cost_currency=read.production_cost_currency,
            template_id=strawberry.ID(read.template_id) if read.template_id else None,
            credit_ids=[strawberry.ID(c) for c in read.credits],
            review_reasons=read.review_reasons,
        )

    @strawberry.field(
        description="Production cost in integer minor units of productionCostCurrency; operators only (null otherwise)."
    )
    async def production_cost_minor(self, info: Info) -> int | None:
        if self.cost_minor is None or info.context.viewer.is_admin:
            return self.cost_minor
        if not info.context.viewer.member_id:
            return None
        member = await info.context.require_member()
        visible = "OPERATOR" in member.roles and member.community_id == self.community_id
        return self.cost_minor if visible else None
