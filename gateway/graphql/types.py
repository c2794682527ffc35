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

    @staticmethod
    def from_read(read: PlanRead) -> Plan:
        return Plan(
            id=strawberry.ID(read.id),
            name=read.name,
            price_cents=read.price_cents,
            currency=read.currency,
            interval=PlanInterval(read.interval.value),
            trial_days=read.trial_days,
        )


@strawberry.type
class Subscription:
    id: strawberry.ID
    status: SubscriptionStatus
    plan: Plan
    current_period_start: datetime
    current_period_end: datetime

    @staticmethod
    def from_read(read: SubscriptionRead) -> Subscription:
        return Subscription(
            id=strawberry.ID(read.id),
            status=SubscriptionStatus(read.status.value),
            plan=Plan.from_read(read.plan),
            current_period_start=read.current_period_start,
            current_period_end=read.current_period_end,
        )


@strawberry.type(description="A member's live subscription: what they hold now.")
class Membership:
    subscription_id: strawberry.ID
    status: SubscriptionStatus
    plan: Plan
    current_period_end: datetime

    @staticmethod
    def from_read(read: SubscriptionRead) -> Membership:
        return Membership(
            subscription_id=strawberry.ID(read.id),
            status=SubscriptionStatus(read.status.value),
            plan=Plan.from_read(read.plan),
            current_period_end=read.current_period_end,
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
        )
