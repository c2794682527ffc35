"""Object types of content: the piece itself, production, interaction, moderation, crisis, templates and
incentives."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from content_service.schemas import AuditEntry as AuditEntryRead
from content_service.schemas import (
    BulletRead,
    CommentRead,
    ComplaintRead,
    ContentMixRead,
    ContentRead,
    ContentSettingsRead,
    ContributionRead,
    TemplateRead,
    TopicRead,
    VoteTally,
)
from gateway.context import Info, is_operator
from gateway.graphql.content.crisis_types import (
    DeliveryAttempt as DeliveryAttempt,
)
from gateway.graphql.content.crisis_types import (
    Escalation as Escalation,
)
from gateway.graphql.content.crisis_types import (
    Incident as Incident,
)
from gateway.graphql.content.crisis_types import (
    IncidentMetrics as IncidentMetrics,
)
from gateway.graphql.content.crisis_types import (  # re-exported: the crisis types live beside these
    IncidentStep as IncidentStep,
)
from gateway.graphql.content.crisis_types import (
    Mention as Mention,
)
from gateway.graphql.content.crisis_types import (
    Webhook as Webhook,
)
from gateway.graphql.content.crisis_types import (
    WebhookDelivery as WebhookDelivery,
)
from gateway.graphql.content.enums import (
    ComplaintCategory,
    ComplaintStatus,
    ComplaintTargetType,
    ContentAccess,
    ContentKind,
    ContentStatus,
    TemplateFieldType,
    TemplateFormat,
    VoteValue,
)
from gateway.graphql.links import content_link, member_link
from gateway.graphql.money import renamed
from gateway.graphql.pagination import check_first
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


@strawberry.type(description="Exact counts; `mine` is the caller's current vote.")
class Votes:
    target_id: strawberry.ID
    up: int
    down: int
    score: int
    mine: VoteValue | None

    @staticmethod
    def from_read(r: VoteTally) -> Votes:
        return Votes(
            target_id=strawberry.ID(r.target_id),
            up=r.up,
            down=r.down,
            score=r.score,
            mine=r.mine if r.mine else None,
        )


@strawberry.type(description="A short comment anchored to a paragraph (0-based) or a media time in milliseconds.")
class BulletComment:
    id: strawberry.ID
    content_id: strawberry.ID
    member_id: strawberry.ID
    text: str
    paragraph: int | None
    media_ms: int | None
    created_at: datetime

    @strawberry.field(description="The commenter; null when their account no longer exists.")
    async def member(self, info: Info) -> User | None:
        return await member_link(info, self.member_id, User.from_read)

    @strawberry.field(description="The piece the comment overlays (a teaser behind the paywall; null when unreadable).")
    async def content(self, info: Info) -> Content | None:
        return await content_link(info, self.content_id, Content.from_read)

    @staticmethod
    def from_read(r: BulletRead) -> BulletComment:
        return BulletComment(
            id=strawberry.ID(r.id),
            content_id=strawberry.ID(r.content_id),
            member_id=strawberry.ID(r.member_id),
            text=r.text,
            paragraph=r.paragraph,
            media_ms=r.media_ms,
            created_at=r.created_at,
        )


@strawberry.type
class Comment:
    id: strawberry.ID
    content_id: strawberry.ID
    member_id: strawberry.ID
    parent_id: strawberry.ID | None
    thread_id: strawberry.ID
    depth: int
    text: str
    created_at: datetime

    @strawberry.field(description="The commenter; null when their account no longer exists.")
    async def member(self, info: Info) -> User | None:
        return await member_link(info, self.member_id, User.from_read)

    @strawberry.field(description="The piece commented on (a teaser behind the paywall; null when unreadable).")
    async def content(self, info: Info) -> Content | None:
        return await content_link(info, self.content_id, Content.from_read)

    @staticmethod
    def from_read(r: CommentRead) -> Comment:
        return Comment(
            id=strawberry.ID(r.id),
            content_id=strawberry.ID(r.content_id),
            member_id=strawberry.ID(r.member_id),
            parent_id=strawberry.ID(r.parent_id) if r.parent_id else None,
            thread_id=strawberry.ID(r.thread_id),
            depth=r.depth,
            text=r.text,
            created_at=r.created_at,
        )


@strawberry.type
class ShareResult:
    id: strawberry.ID
    content_id: strawberry.ID
    channel: str
    shares: int


@strawberry.type
class Contribution:
    id: strawberry.ID
    member_id: strawberry.ID
    text: str
    up: int
    down: int
    score: int
    created_at: datetime

    @strawberry.field(description="The contributor; null when their account no longer exists.")
    async def member(self, info: Info) -> User | None:
        return await member_link(info, self.member_id, User.from_read)

    @staticmethod
    def from_read(r: ContributionRead) -> Contribution:
        return Contribution(
            id=strawberry.ID(r.id),
            member_id=strawberry.ID(r.member_id),
            text=r.text,
            up=r.up,
            down=r.down,
            score=r.score,
            created_at=r.created_at,
        )


@strawberry.type(description="A co-creation topic; contributions best-voted first.")
class Topic:
    id: strawberry.ID
    title: str
    prompt: str
    status: str
    opened_by: strawberry.ID
    created_at: datetime
    content_id: strawberry.ID | None
    ranked: strawberry.Private[list[Contribution]]

    @strawberry.field(description="Best-voted first, at most `first` (up to 100).")
    def contributions(self, first: int = 100) -> list[Contribution]:
        return self.ranked[: check_first(first)]

    @staticmethod
    def from_read(r: TopicRead) -> Topic:
        return Topic(
            id=strawberry.ID(r.id),
            title=r.title,
            prompt=r.prompt,
            status=r.status,
            opened_by=strawberry.ID(r.opened_by),
            created_at=r.created_at,
            content_id=strawberry.ID(r.content_id) if r.content_id else None,
            ranked=[Contribution.from_read(c) for c in r.contributions],
        )


@strawberry.type
class Complaint:
    id: strawberry.ID
    member_id: strawberry.ID
    target_type: ComplaintTargetType
    target_id: str | None
    category: ComplaintCategory
    text: str
    status: ComplaintStatus
    weight: float = strawberry.field(description="The flag's weight, from the complainant's tier.")
    created_at: datetime
    resolved_at: datetime | None
    resolution_note: str | None
    content_hidden: bool = strawberry.field(description="True when this complaint's flag tipped the auto-hide.")
    incident_id: strawberry.ID | None

    @strawberry.field(description="The complainant; null when their account no longer exists.")
    async def member(self, info: Info) -> User | None:
        return await member_link(info, self.member_id, User.from_read)

    @staticmethod
    def from_read(r: ComplaintRead) -> Complaint:
        return Complaint(
            id=strawberry.ID(r.id),
            member_id=strawberry.ID(r.member_id),
            target_type=r.target_type,
            target_id=r.target_id,
            category=r.category,
            text=r.text,
            status=r.status,
            weight=r.weight,
            created_at=r.created_at,
            resolved_at=r.resolved_at,
            resolution_note=r.resolution_note,
            content_hidden=r.content_hidden,
            incident_id=strawberry.ID(r.incident_id) if r.incident_id else None,
        )


@strawberry.type
class FlagContribution:
    complaint_id: strawberry.ID
    member_id: strawberry.ID
    tier: str = strawberry.field(deprecation_reason="Use `memberTier`, the same tier as the `Tier` enum.")
    weight: float

    @strawberry.field(description="The complainant; null when their account no longer exists.")
    async def member(self, info: Info) -> User | None:
        return await member_link(info, self.member_id, User.from_read)

    @strawberry.field(description="The complainant's tier when they complained, as the `Tier` enum.")
    def member_tier(self) -> Tier:
        return Tier(self.tier)


@strawberry.type(description="Why a piece was auto-hidden: the threshold and each flag's weight.")
class HideExplanation:
    content_id: strawberry.ID
    hidden_at: datetime
    threshold: float
    total_weight: float
    contributions: list[FlagContribution]
    restored_at: datetime | None

    @strawberry.field(description="The hidden piece (a teaser behind the paywall; null when unreadable).")
    async def content(self, info: Info) -> Content | None:
        return await content_link(info, self.content_id, Content.from_read)


@strawberry.type
class TemplateField:
    name: str
    type: TemplateFieldType
    label: str | None
    required: bool
    max_length: int | None
    choices: list[str]


@strawberry.type(description="A template's latest version; platform starters are shared by every community.")
class Template:
    id: strawberry.ID
    key: str
    platform: bool
    version: int
    name: str
    description: str
    fields: list[TemplateField]
    default_kind: ContentKind
    default_tags: list[str]
    title_pattern: str
    body_pattern: str
    usage_count: int
    updated_at: datetime

    @staticmethod
    def from_read(r: TemplateRead) -> Template:
        return Template(
            id=strawberry.ID(r.id),
            key=r.key,
            platform=r.platform,
            version=r.version,
            name=r.name,
            description=r.description,
            fields=[
                TemplateField(
                    name=f.name,
                    type=f.type,
                    label=f.label,
                    required=f.required,
                    max_length=f.max_length,
                    choices=f.choices,
                )
                for f in r.fields
            ],
            default_kind=r.default_kind,
            default_tags=r.default_tags,
            title_pattern=r.title_pattern,
            body_pattern=r.body_pattern,
            usage_count=r.usage_count,
            updated_at=r.updated_at,
        )


@strawberry.type
class TemplatePerformance:
    template_id: strawberry.ID
    usage_count: int
    pieces: int
    up_votes: int
    down_votes: int
    comments: int
    bullet_comments: int
    shares: int
    engagement_per_piece: float


@strawberry.type
class TemplateImportReport:
    created: int
    versioned: int
    unchanged: int
    total: int


@strawberry.type
class TemplateExport:
    format: TemplateFormat
    count: int
    document: str


@strawberry.type
class TagSuggestion:
    tag: str
    score: float


@strawberry.type
class NearDuplicate:
    content_id: strawberry.ID
    title: str
    similarity: float


@strawberry.type(description="Suggested tags (top 3) and near-duplicates among the community's published pieces.")
class DraftSuggestions:
    tags: list[TagSuggestion]
    near_duplicates: list[NearDuplicate]
    threshold: float
    corpus_size: int


@strawberry.type
class ContentStarAward:
    member_id: strawberry.ID
    rank: int
    score: float
    amount_minor: int = strawberry.field(
        description="Integer minor units of `currency`.", deprecation_reason=renamed("amountCents")
    )
    currency: str
    best_content_id: strawberry.ID

    @strawberry.field(description="The winning creator; null when their account no longer exists.")
    async def member(self, info: Info) -> User | None:
        return await member_link(info, self.member_id, User.from_read)

    @strawberry.field(description="Their best piece of the month (a teaser behind the paywall; null when unreadable).")
    async def best_content(self, info: Info) -> Content | None:
        return await content_link(info, self.best_content_id, Content.from_read)

    @strawberry.field(description="The award in cents (integer minor units) of `currency`: 1999 is 19.99.")
    def amount_cents(self) -> int:
        return self.amount_minor


@strawberry.type(description="A month's winners; running the same month again returns this, paying nothing twice.")
class ContentStarResult:
    month: str
    ran_at: datetime
    rerun: bool
    budget_minor: int = strawberry.field(deprecation_reason=renamed("budgetCents"))
    awards: list[ContentStarAward]

    @strawberry.field(
        description="The budget split among winners, in cents (integer minor units) of the community's currency."
    )
    def budget_cents(self) -> int:
        return self.budget_minor


@strawberry.type(description="An award waiting for billing to offer payouts.")
class PendingPayout:
    id: strawberry.ID
    member_id: strawberry.ID
    month: str
    amount_minor: int = strawberry.field(deprecation_reason=renamed("amountCents"))
    currency: str
    status: str
    source: str
    created_at: datetime

    @strawberry.field(description="The creator to be paid; null when their account no longer exists.")
    async def member(self, info: Info) -> User | None:
        return await member_link(info, self.member_id, User.from_read)

    @strawberry.field(description="The award in cents (integer minor units) of `currency`: 1999 is 19.99.")
    def amount_cents(self) -> int:
        return self.amount_minor


@strawberry.type
class ExposureBoost:
    id: strawberry.ID
    content_id: strawberry.ID
    factor: float = strawberry.field(description="Exposure multiplier: +300% is 4.0.")
    starts_at: datetime
    ends_at: datetime
    reason: str

    @strawberry.field(description="The boosted piece (a teaser behind the paywall; null when unreadable).")
    async def content(self, info: Info) -> Content | None:
        return await content_link(info, self.content_id, Content.from_read)


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
