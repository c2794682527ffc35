"""Inputs of the members' mutations."""

from __future__ import annotations

from datetime import datetime

import strawberry

from gateway.graphql.arguments import COMMUNITY_ARG
from gateway.graphql.users.enums import (
    AcquisitionChannel,
    Perk,
    ProposalRecommendation,
    RfmLayer,
    Role,
    TrialProgramKind,
)


@strawberry.input
class CreateCommunityInput:
    slug: str
    name: str
    timezone: str = "UTC"
    parent_id: strawberry.ID | None = strawberry.field(
        default=None, description="Makes this a partner sub-community of that community."
    )


@strawberry.input
class RegisterUserInput:
    community_slug: str
    handle: str
    display_name: str
    password: str | None = strawberry.field(default=None, description="Optional; needed later for `login`.")
    channel: AcquisitionChannel | None = strawberry.field(
        default=None, description="Where the sign-up came from, when the sign-up page knows it (CAC per channel)."
    )


@strawberry.input
class LoginInput:
    community_slug: str
    handle: str
    password: str


@strawberry.input
class GrantRoleInput:
    community_id: strawberry.ID | None = strawberry.field(
        default=None, description="Required with the admin key; an operator's token implies their community."
    )
    handle: str
    role: Role


@strawberry.input
class RevokeRoleInput:
    community_id: strawberry.ID | None = None
    handle: str
    role: Role


@strawberry.input
class RecomputeTiersInput:
    community_id: strawberry.ID | None = strawberry.field(default=None, description=COMMUNITY_ARG)
    as_of: datetime | None = strawberry.field(
        default=None, description="Score as of this moment instead of now (imported histories)."
    )


@strawberry.input
class LayerTreatmentInput:
    layer: RfmLayer
    summary: str
    perks: list[Perk]


@strawberry.input
class ConfigureMemberValueInput:
    community_id: strawberry.ID | None = strawberry.field(default=None, description=COMMUNITY_ARG)
    base_share: float | None = None
    activated_share: float | None = None
    core_share: float | None = None
    rfm_window_days: int | None = None
    window_days: int | None = None
    grace_days: int | None = None
    new_member_days: int | None = None
    active_min_events: int | None = None
    contributor_min_contents: int | None = None
    koc_min_contents: int | None = None
    koc_min_events: int | None = None
    treatments: list[LayerTreatmentInput] | None = None


@strawberry.input
class TrainLtvModelInput:
    community_id: strawberry.ID | None = strawberry.field(default=None, description=COMMUNITY_ARG)
    horizon_days: int = 365
    min_members: int = 10


@strawberry.input
class CreateNpsSurveyInput:
    community_id: strawberry.ID | None = strawberry.field(default=None, description=COMMUNITY_ARG)
    title: str
    question: str | None = None


@strawberry.input
class CloseNpsSurveyInput:
    community_id: strawberry.ID | None = strawberry.field(default=None, description=COMMUNITY_ARG)
    survey_id: strawberry.ID


@strawberry.input
class RespondToNpsSurveyInput:
    survey_id: strawberry.ID
    score: int = strawberry.field(description="0-10.")
    comment: str | None = None


@strawberry.input
class SubmitProposalInput:
    title: str
    body: str


@strawberry.input
class ReviewProposalInput:
    proposal_id: strawberry.ID
    recommendation: ProposalRecommendation
    note: str | None = None


@strawberry.input
class DecideProposalInput:
    community_id: strawberry.ID | None = strawberry.field(default=None, description=COMMUNITY_ARG)
    proposal_id: strawberry.ID
    adopt: bool
    note: str | None = None


@strawberry.input
class RecordProposalFeedbackInput:
    community_id: strawberry.ID | None = strawberry.field(default=None, description=COMMUNITY_ARG)
    proposal_id: strawberry.ID
    note: str


@strawberry.input
class RecordAcquisitionSpendInput:
    community_id: strawberry.ID | None = strawberry.field(default=None, description=COMMUNITY_ARG)
    channel: AcquisitionChannel
    amount_cents: int
    currency: str
    spent_at: datetime
    note: str | None = None


@strawberry.input
class CreateTrialProgramInput:
    community_id: strawberry.ID | None = strawberry.field(default=None, description=COMMUNITY_ARG)
    kind: TrialProgramKind
    name: str
    starts_at: datetime


@strawberry.input
class JoinTrialProgramInput:
    program_id: strawberry.ID
