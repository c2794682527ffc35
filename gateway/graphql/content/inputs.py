"""Inputs of the content mutations."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from gateway.graphql.content.enums import (
    ComplaintCategory,
    ComplaintTargetType,
    ContentAccess,
    ContentAction,
    ContentKind,
    ModerationAction,
    Sentiment,
    TemplateFormat,
    VoteValue,
)
from gateway.graphql.money import renamed
from gateway.graphql.users.enums import Tier


@strawberry.input
class PublishContentInput:
    title: str
    body: str
    kind: ContentKind = ContentKind.UGC
    tags: list[str] = strawberry.field(default_factory=list)
    access: ContentAccess | None = None
    plan_ids: list[strawberry.ID] | None = None
    min_tier: Tier | None = None
    preview: str | None = None
    early_access_until: datetime | None = None


@strawberry.input
class CreateContentInput:
    title: str
    body: str
    kind: ContentKind = ContentKind.UGC
    tags: list[str] = strawberry.field(default_factory=list)
    draft: bool = False
    publish_at: datetime | None = None
    media_duration_ms: int | None = None
    production_cost_minor: int | None = strawberry.field(
        default=None, deprecation_reason=renamed("productionCostCents")
    )
    production_cost_currency: str | None = None
    production_cost_cents: int | None = None
    access: ContentAccess | None = None
    plan_ids: list[strawberry.ID] | None = None
    min_tier: Tier | None = None
    preview: str | None = None
    early_access_until: datetime | None = None


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
    production_cost_minor: int | None = strawberry.field(
        default=None, deprecation_reason=renamed("productionCostCents")
    )
    production_cost_currency: str | None = None
    production_cost_cents: int | None = None
    access: ContentAccess | None = None
    plan_ids: list[strawberry.ID] | None = None
    min_tier: Tier | None = None
    preview: str | None = None
    early_access_until: datetime | None = None


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
    content_star_budget_minor: int | None = strawberry.field(
        default=None, deprecation_reason=renamed("contentStarBudgetCents")
    )
    exposure_boost_percent: int | None = None
    exposure_boost_days: int | None = None
    complaints_per_member_per_hour: int | None = None
    preview_chars: int | None = None
    content_star_budget_cents: int | None = None


@strawberry.input
class VoteContentInput:
    content_id: strawberry.ID
    value: VoteValue


@strawberry.input
class AddBulletCommentInput:
    content_id: strawberry.ID
    text: str
    paragraph: int | None = None
    media_ms: int | None = None


@strawberry.input
class AddCommentInput:
    content_id: strawberry.ID
    text: str
    parent_id: strawberry.ID | None = None


@strawberry.input
class ShareContentInput:
    content_id: strawberry.ID
    channel: str = "link"


@strawberry.input
class OpenTopicInput:
    title: str
    prompt: str


@strawberry.input
class ContributeToTopicInput:
    topic_id: strawberry.ID
    text: str


@strawberry.input
class VoteContributionInput:
    contribution_id: strawberry.ID
    value: VoteValue


@strawberry.input
class MergeTopicInput:
    topic_id: strawberry.ID
    contribution_ids: list[strawberry.ID]
    title: str | None = None
    kind: ContentKind = ContentKind.UGC


@strawberry.input
class FileComplaintInput:
    target_type: ComplaintTargetType
    target_id: strawberry.ID | None = strawberry.field(default=None, description="Required for CONTENT and MEMBER.")
    category: ComplaintCategory
    text: str


@strawberry.input
class DecideComplaintInput:
    complaint_id: strawberry.ID
    action: ModerationAction
    note: str | None = None


@strawberry.input
class ReportMentionInput:
    community_id: strawberry.ID | None = strawberry.field(default=None, description="Required with the admin key.")
    platform: str
    url: str
    sentiment: Sentiment
    occurred_at: datetime
    legal: bool = False
    text: str | None = None


@strawberry.input
class UpdateIncidentStepInput:
    incident_id: strawberry.ID
    step: str
    owner: str | None = None
    note: str | None = None
    done: bool = False


@strawberry.input
class ResolveIncidentInput:
    incident_id: strawberry.ID
    note: str | None = None
    reason: str | None = strawberry.field(
        default=None, description="Required when steps are not done: why the incident closes anyway (recorded)."
    )


@strawberry.input
class ConfigureWebhookInput:
    url: str
    secret: str = strawberry.field(description="At least 16 characters; signs every delivery (HMAC-SHA256).")


@strawberry.input
class ReplayWebhookDeliveryInput:
    event_id: str | None = None
    delivery_id: strawberry.ID | None = strawberry.field(
        default=None, description="The delivery to send again (see `webhookDeliveries`); preferred over `eventId`."
    )


@strawberry.input
class TemplateFieldValueInput:
    name: str
    value: str


@strawberry.input
class CreateContentFromTemplateInput:
    template_id: strawberry.ID
    version: int | None = strawberry.field(default=None, description="Default: the latest version.")
    values: list[TemplateFieldValueInput]
    kind: ContentKind | None = None
    tags: list[str] | None = None
    draft: bool = False


@strawberry.input
class SaveTemplateInput:
    template: JSON = strawberry.field(
        description="key, name, description, fields [{name, type, required, maxLength, choices}], defaultKind, "
        "defaultTags, titlePattern, bodyPattern. An existing key gets a new version when it changed."
    )


@strawberry.input
class ImportTemplatesInput:
    format: TemplateFormat
    document: str = strawberry.field(description="{templates: [...]} (or a bare list) as JSON or YAML.")


@strawberry.input
class RunContentStarInput:
    month: str = strawberry.field(description="YYYY-MM, a month that has ended.")


@strawberry.input
class GrantExposureBoostInput:
    content_id: strawberry.ID
    percent: int | None = strawberry.field(default=None, description="Default: the community's (playbook +300%).")
    days: int | None = None
    reason: str = "operator"
