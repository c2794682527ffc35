"""Production: community content settings, lifecycle transitions, edits, revisions, audit and the mix monitor."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from content_service.domain.access import ContentAccess
from content_service.domain.kinds import ContentStatus
from content_service.domain.lifecycle import Action
from content_service.schemas.content import MAX_PLAN_REQUIREMENTS, Excerpt, Tag
from infra.schemas import ApiInput, ApiModel, Id, UtcDatetime

Percent = Annotated[float, Field(ge=0, le=100)]
Minutes = Annotated[int, Field(ge=1, le=60 * 24 * 366)]


class ContentSettingsRead(ApiModel):
    review_required: dict[str, bool]
    ugc_review_below_tier: str | None
    blocked_words: list[str]
    mix_target: dict[str, float]
    mix_margin_points: float
    mix_window_days: int
    update_frequency_target: float
    flag_weights: dict[str, float]
    auto_hide_threshold: float
    complaints_per_hour: int
    mention_platforms: int
    mention_window_hours: int
    step_deadlines_minutes: dict[str, int]
    bullet_comments_per_minute: int
    complaints_per_member_per_hour: int
    content_star_winners: int
    content_star_budget_minor: int
    exposure_boost_percent: int
    exposure_boost_days: int
    # The paywall's automatic teaser: this many characters of the body where no excerpt was written.
    preview_chars: int = 280


class ContentSettingsUpdate(ApiInput):
    """Only the fields given change; the rest keep the community's (or the platform's default) value."""

    actor_id: Id
    review_required: dict[Annotated[str, StringConstraints(pattern=r"^(PGC|UGC|COMMERCIAL)$")], bool] | None = None
    ugc_review_below_tier: str | None = None
    blocked_words: list[Annotated[str, StringConstraints(min_length=1, max_length=60)]] | None = Field(
        default=None, max_length=500
    )
    mix_target: dict[str, Percent] | None = None
    mix_margin_points: Percent | None = None
    mix_window_days: Annotated[int, Field(ge=1, le=366)] | None = None
    update_frequency_target: Annotated[float, Field(ge=0, le=1000)] | None = None
    flag_weights: dict[str, Annotated[float, Field(ge=0, le=1000)]] | None = None
    auto_hide_threshold: Annotated[float, Field(gt=0, le=100_000)] | None = None
    complaints_per_hour: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    mention_platforms: Annotated[int, Field(ge=1, le=100)] | None = None
    mention_window_hours: Annotated[int, Field(ge=1, le=24 * 30)] | None = None
    step_deadlines_minutes: dict[str, Minutes] | None = None
    bullet_comments_per_minute: Annotated[int, Field(ge=1, le=600)] | None = None
    complaints_per_member_per_hour: Annotated[int, Field(ge=1, le=10_000)] | None = None
    content_star_winners: Annotated[int, Field(ge=1, le=1000)] | None = None
    content_star_budget_minor: Annotated[int, Field(ge=0)] | None = None
    exposure_boost_percent: Annotated[int, Field(ge=0, le=10_000)] | None = None
    exposure_boost_days: Annotated[int, Field(ge=1, le=366)] | None = None
    preview_chars: Annotated[int, Field(ge=0, le=5000)] | None = None


class Transition(ApiInput):
    actor_id: Id
    action: Action
    publish_at: UtcDatetime | None = None
    note: Annotated[str, StringConstraints(max_length=2000)] | None = None


class ContentEdit(ApiInput):
    editor_id: Id
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)] | None = None
    body: Annotated[str, StringConstraints(min_length=1, max_length=200_000)] | None = None
    tags: list[Tag] | None = Field(default=None, max_length=20)
    production_cost_minor: Annotated[int, Field(ge=0)] | None = None
    production_cost_currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = None
    # Given `access` replaces the whole requirement (absent plans and tier: none); without it, given `plan_ids`
    # or `min_tier` change that part of the piece's requirement.
    access: ContentAccess | None = None
    plan_ids: list[Id] | None = Field(default=None, max_length=MAX_PLAN_REQUIREMENTS)
    min_tier: str | None = None
    preview: Excerpt | None = None
    # A new end of the early-access window; a past moment ends the window now.
    early_access_until: UtcDatetime | None = None


class RevisionRead(ApiModel):
    number: int
    editor_id: str
    title: str
    body: str
    tags: list[str]
    created_at: datetime


class AuditEntry(ApiModel):
    at: datetime
    actor_id: str | None
    action: str
    target_type: str
    target_id: str
    detail: dict[str, object]


class AuditList(ApiModel):
    items: list[AuditEntry]


class RevisionList(ApiModel):
    items: list[RevisionRead]


class TransitionResult(ApiModel):
    id: str
    status: ContentStatus
    review_reasons: list[str] = Field(default_factory=list)


class KindShareRead(ApiModel):
    kind: str
    count: int
    share_percent: float
    target_percent: float
    deviation_points: float
    alert: bool


class ContentMixRead(ApiModel):
    window_days: int
    total: int
    shares: list[KindShareRead]
    margin_points: float
    alert: bool
    pieces_per_week: float
    pieces_per_week_target: float
    frequency_alert: bool
    computed_at: datetime
