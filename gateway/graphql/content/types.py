"""Object types of content: the piece itself, its mix and settings, audit entries, revisions and production
payloads."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from content_service.schemas import AuditEntry as AuditEntryRead
from content_service.schemas import (
    ContentMixRead,
    ContentRead,
    ContentSettingsRead,
)
from gateway.context import Info, is_operator
from gateway.graphql.content.enums import (
    ContentAccess,
    ContentKind,
    ContentStatus,
)
from gateway.graphql.links import member_link
from gateway.graphql.money import renamed
from gateway.graphql.users.enums import Tier
from gateway.graphql.users.types import User


@strawberry.type
class KindShare:
    kind: ContentKind
    count: int
    share_percent: float
    target_percent: float
    deviation_points: float
    alert: bool


@strawberry.type(description="Published PGC / UGC / COMMERCIAL shares over a rolling window against the target.")
class ContentMix:
    window_days: int
    total: int
    shares: list[KindShare]
    margin_points: float
    alert: bool = strawberry.field(description="True when any share strays beyond the margin from its target.")
    pieces_per_week: float
    pieces_per_week_target: float = strawberry.field(description="The playbook's benchmark is 3.8.")
    frequency_alert: bool
    computed_at: datetime

    @staticmethod
    def from_read(r: ContentMixRead) -> ContentMix:
        return ContentMix(
            window_days=r.window_days,
            total=r.total,
            shares=[
                KindShare(
                    kind=ContentKind(s.kind),
                    count=s.count,
                    share_percent=s.share_percent,
                    target_percent=s.target_percent,
                    deviation_points=s.deviation_points,
                    alert=s.alert,
                )
                for s in r.shares
            ],
            margin_points=r.margin_points,
            alert=r.alert,
            pieces_per_week=r.pieces_per_week,
            pieces_per_week_target=r.pieces_per_week_target,
            frequency_alert=r.frequency_alert,
            computed_at=r.computed_at,
        )


@strawberry.type
class ContentSettings:
    review_required: JSON
    ugc_review_below_tier: str | None
    blocked_words: list[str]
    mix_target: JSON
    mix_margin_points: float
    mix_window_days: int
    update_frequency_target: float
    flag_weights: JSON
    auto_hide_threshold: float
    complaints_per_hour: int
    mention_platforms: int
    mention_window_hours: int
    step_deadlines_minutes: JSON
    bullet_comments_per_minute: int
    content_star_winners: int
    content_star_budget_minor: int = strawberry.field(deprecation_reason=renamed("contentStarBudgetCents"))
    exposure_boost_percent: int
    exposure_boost_days: int
    complaints_per_member_per_hour: int = strawberry.field(
        description="At most this many complaints an hour from one member (RATE_LIMITED past it)."
    )
    preview_chars: int = 280

    @strawberry.field(
        description="Monthly content star budget, split equally among winners, in cents (integer "
        "minor units) of the community's currency."
    )
    def content_star_budget_cents(self) -> int:
        return self.content_star_budget_minor

    @staticmethod
    def from_read(r: ContentSettingsRead) -> ContentSettings:
        return ContentSettings(**r.model_dump())


@strawberry.type
class AuditEntry:
    at: datetime
    actor_id: strawberry.ID | None
    action: str
    target_type: str
    target_id: str
    detail: JSON

    @strawberry.field(description="Who acted (null for the system); null when their account no longer exists.")
    async def actor(self, info: Info) -> User | None:
        return await member_link(info, self.actor_id, User.from_read)

    @staticmethod
    def from_read(r: AuditEntryRead) -> AuditEntry:
        return AuditEntry(
            at=r.at,
            actor_id=strawberry.ID(r.actor_id) if r.actor_id else None,
            action=r.action,
            target_type=r.target_type,
            target_id=r.target_id,
            detail=r.detail,  # type: ignore[arg-type]
        )


@strawberry.type
class Revision:
    number: int
    editor_id: strawberry.ID
    title: str
    body: str
    tags: list[str]
    created_at: datetime


@strawberry.type
class ContentTransitionPayload:
    id: strawberry.ID
    status: ContentStatus
    review_reasons: list[str]


@strawberry.type
class EditContentPayload:
    revision: int


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
    access: ContentAccess = ContentAccess.PUBLIC
    plan_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    min_tier: Tier | None = None
    early_access_until: datetime | None = None
    locked: bool = False
    preview: str = ""

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
            kind=read.kind,
            status=read.status,
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
            access=read.access,
            plan_ids=[strawberry.ID(p) for p in read.plan_ids],
            min_tier=Tier(read.min_tier) if read.min_tier else None,
            early_access_until=read.early_access_until,
            locked=read.locked,
            preview=read.preview,
        )

    @strawberry.field(
        description="Production cost in integer minor units of productionCostCurrency; operators only (null "
        "otherwise).",
        deprecation_reason=renamed("productionCostCents"),
    )
    async def production_cost_minor(self, info: Info) -> int | None:
        return await self.production_cost_cents(info)

    @strawberry.field(
        description="Production cost in cents (integer minor units) of `productionCostCurrency`; operators only "
        "(null otherwise)."
    )
    async def production_cost_cents(self, info: Info) -> int | None:
        if self.cost_minor is None or info.context.viewer.is_admin:
            return self.cost_minor
        if not info.context.viewer.member_id:
            return None
        member = await info.context.require_member()
        visible = is_operator(member) and member.community_id == self.community_id
        return self.cost_minor if visible else None
