"""Content production: creation with review, lifecycle transitions, edits, settings, audit and the mix monitor."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from content_service.production.schemas import (
    AuditEntry as AuditEntryRead,
)
from content_service.production.schemas import (
    ContentEdit,
    ContentMixRead,
    ContentSettingsRead,
    ContentSettingsUpdate,
    Transition,
)
from content_service.schemas import ContentCreate
from gateway.context import Info
from gateway.graphql.content_common import CommunityArg, operator_member, operator_scope
from gateway.graphql.enums import ContentKind, ContentStatus
from gateway.graphql.pagination import check_first
from gateway.graphql.types import Content


@strawberry.enum
class ContentAction(Enum):
    SUBMIT = "SUBMIT"
    APPROVE = "APPROVE"
    REJECT = "REJECT"
    PUBLISH = "PUBLISH"
    ARCHIVE = "ARCHIVE"
    HIDE = "HIDE"
    UNHIDE = "UNHIDE"


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
    content_star_budget_minor: int
    exposure_boost_percent: int
    exposure_boost_days: int
    complaints_per_member_per_hour: int = strawberry.field(
        description="At most this many complaints an hour from one member (RATE_LIMITED past it)."
    )

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


@strawberry.input
class CreateContentInput:
    title: str
    body: str
    kind: ContentKind = ContentKind.UGC
    tags: list[str] = strawberry.field(default_factory=list)
    draft: bool = False
    publish_at: datetime | None = None
    media_duration_ms: int | None = None
    production_cost_minor: int | None = None
    production_cost_currency: str | None = None


@strawberry.input
class TransitionContentInput:
    content_id: strawberry.ID
    action: ContentAction
    publish_at: datetime | None = None
    note: str | None = None


@strawberry.input
class EditContentInput:
    content_id: strawberry.ID
    title: str | None = None
    body: str | None = None
    tags: list[str] | None = None
    production_cost_minor: int | None = None
    production_cost_currency: str | None = None


@strawberry.input
class UpdateContentSettingsInput:
    review_required: JSON | None = None
    ugc_review_below_tier: str | None = None
    blocked_words: list[str] | None = None
    mix_target: JSON | None = None
    mix_margin_points: float | None = None
    mix_window_days: int | None = None
    update_frequency_target: float | None = None
    flag_weights: JSON | None = None
    auto_hide_threshold: float | None = None
    complaints_per_hour: int | None = None
    mention_platforms: int | None = None
    mention_window_hours: int | None = None
    step_deadlines_minutes: JSON | None = None
    bullet_comments_per_minute: int | None = None
    content_star_winners: int | None = None
    content_star_budget_minor: int | None = None
    exposure_boost_percent: int | None = None
    exposure_boost_days: int | None = None
    complaints_per_member_per_hour: int | None = None


@strawberry.type
class ContentProductionQuery:
    @strawberry.field(description="Operators: the content mix over `window` days (default: the community's, 30).")
    async def content_mix(
        self,
        info: Info,
        window: int | None = None,
        community_id: Annotated[strawberry.ID | None, CommunityArg] = None,
    ) -> ContentMix:
        cid = await operator_scope(info, community_id)
        return ContentMix.from_read(await info.context.services.content.content_mix(cid, window_days=window))

    @strawberry.field(description="Operators: review, mix, moderation, crisis and incentive settings in force.")
    async def content_settings(
        self, info: Info, community_id: Annotated[strawberry.ID | None, CommunityArg] = None
    ) -> ContentSettings:
        cid = await operator_scope(info, community_id)
        return ContentSettings.from_read(await info.context.services.content.get_content_settings(cid))

    @strawberry.field(description="Operators: who did what, newest first.")
    async def audit_log(
        self,
        info: Info,
        target_id: str | None = None,
        first: int = 50,
        community_id: Annotated[strawberry.ID | None, CommunityArg] = None,
    ) -> list[AuditEntry]:
        cid = await operator_scope(info, community_id)
        items = await info.context.services.content.audit(cid, target_id=target_id, limit=check_first(first))
        return [AuditEntry.from_read(e) for e in items]

    @strawberry.field(description="Earlier versions of a piece, oldest first.")
    async def content_revisions(self, info: Info, content_id: strawberry.ID, first: int = 50) -> list[Revision]:
        member = await info.context.require_member()
        items = await info.context.services.content.revisions(
            member.community_id, str(content_id), viewer_id=member.id, limit=check_first(first)
        )
        return [
            Revision(
                number=r.number,
                editor_id=strawberry.ID(r.editor_id),
                title=r.title,
                body=r.body,
                tags=r.tags,
                created_at=r.created_at,
            )
            for r in items
        ]


@strawberry.type
class ContentProductionMutation:
    @strawberry.mutation(description="Create a piece: it publishes, waits for review, is scheduled or stays a draft.")
    async def create_content(self, info: Info, input: CreateContentInput) -> Content:
        member = await info.context.require_member()
        content_in = ContentCreate(
            author_id=member.id,
            title=input.title,
            body=input.body,
            kind=input.kind.value,
            tags=input.tags,
            draft=input.draft,
            publish_at=input.publish_at,
            media_duration_ms=input.media_duration_ms,
            production_cost_minor=input.production_cost_minor,
            production_cost_currency=input.production_cost_currency,
        )
        return Content.from_read(await info.context.services.content.publish(member.community_id, content_in))

    @strawberry.mutation(description="Move a piece through its lifecycle; APPROVE, REJECT, HIDE, UNHIDE need OPERATOR.")
    async def transition_content(self, info: Info, input: TransitionContentInput) -> ContentTransitionPayload:
        member = await info.context.require_member()
        change = Transition(actor_id=member.id, action=input.action.value, publish_at=input.publish_at, note=input.note)
        result = await info.context.services.content.transition(member.community_id, str(input.content_id), change)
        return ContentTransitionPayload(
            id=strawberry.ID(result.id), status=ContentStatus(result.status.value), review_reasons=result.review_reasons
        )

    @strawberry.mutation(description="Edit a piece (author or operator); the previous version is kept as a revision.")
    async def edit_content(self, info: Info, input: EditContentInput) -> EditContentPayload:
        member = await info.context.require_member()
        edit = ContentEdit(
            editor_id=member.id,
            title=input.title,
            body=input.body,
            tags=input.tags,
            production_cost_minor=input.production_cost_minor,
            production_cost_currency=input.production_cost_currency,
        )
        return EditContentPayload(
            revision=await info.context.services.content.edit(member.community_id, str(input.content_id), edit)
        )

    @strawberry.mutation(description="Operators: change the community's content settings (only the fields given).")
    async def update_content_settings(self, info: Info, input: UpdateContentSettingsInput) -> ContentSettings:
        member = await operator_member(info)
        given = {k: v for k, v in vars(input).items() if v is not None}
        update = ContentSettingsUpdate.model_validate({"actor_id": member.id, **given})
        read = await info.context.services.content.update_content_settings(member.community_id, update)
        return ContentSettings.from_read(read)
