"""Campaigns on the wire: campaigns and their tasks, check-ins, task claims, rewards, referrals and the report."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from infra.schemas import ApiInput, ApiModel, Id
from users_service.domain.campaigns import ClawbackReason, Fulfilment, RewardKind, RewardState, Step, TaskKind
from users_service.domain.perks import Perk
from users_service.domain.streaks import CheckInOutcome
from users_service.schemas.communities import Timezone

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Cents = Annotated[int, Field(ge=0, le=10_000_000_000)]

__all__ = [
    "CampaignCreate",
    "CampaignList",
    "CampaignRead",
    "CampaignReport",
    "CampaignRewardList",
    "CampaignRewardRead",
    "CampaignTaskIn",
    "CampaignTaskRead",
    "CertificatePdf",
    "CheckInCreate",
    "ParticipationRead",
    "ReferralAttribute",
    "ReferralLink",
    "ReferralRead",
    "ReleaseResult",
    "RewardClawback",
    "RewardFulfilmentUpdate",
    "RewardSpec",
    "StepCompletion",
    "TaskClaim",
    "TaskCompletion",
]


class RewardSpec(ApiInput):
    """What completing a task earns: points, a cash red packet, a prize, or a certificate."""

    kind: RewardKind
    points: Annotated[int, Field(ge=0, le=1_000_000)] = 0
    amount_cents: Cents = 0
    prize_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    prize_cost_cents: Cents = 0

    @model_validator(mode="after")
    def _complete(self) -> RewardSpec:
        if self.kind == RewardKind.CASH and self.amount_cents <= 0:
            raise ValueError("a CASH reward needs amountCents > 0")
        if self.kind == RewardKind.POINTS and self.points <= 0:
            raise ValueError("a POINTS reward needs points > 0")
        if self.kind == RewardKind.PRIZE and not self.prize_name:
            raise ValueError("a PRIZE reward needs prizeName")
        return self


class CampaignTaskIn(ApiInput):
    kind: TaskKind
    title: Name
    count: Annotated[int, Field(ge=1, le=1000)] = 1
    tag: Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=50)] | None = (
        None
    )
    reward: RewardSpec

    @model_validator(mode="after")
    def _tagged(self) -> CampaignTaskIn:
        if self.kind == TaskKind.PUBLISH_WITH_TAG and not self.tag:
            raise ValueError("a PUBLISH_WITH_TAG task needs a tag")
        return self


class CampaignCreate(ApiInput):
    name: Name
    theme: Name
    starts_at: datetime
    ends_at: datetime
    budget_cents: Cents
    holding_days: Annotated[int, Field(ge=0, le=365)] = 7
    tasks: Annotated[list[CampaignTaskIn], Field(min_length=1, max_length=20)]
    # Only members whose RFM layer's treatment grants this perk take part (GROWTH_PATH: the growth path's tasks).
    perk: Perk | None = None

    @model_validator(mode="after")
    def _window(self) -> CampaignCreate:
        if self.ends_at <= self.starts_at:
            raise ValueError("endsAt must be after startsAt")
        return self


class CampaignTaskRead(ApiModel):
    id: str
    kind: TaskKind
    step: Step
    title: str
    count: int
    tag: str | None
    reward: RewardSpec


class CampaignRead(ApiModel):
    id: str
    name: str
    theme: str
    starts_at: datetime
    ends_at: datetime
    budget_cents: int
    spent_cents: int
    remaining_cents: int
    holding_days: int
    tasks: list[CampaignTaskRead]
    created_at: datetime
    perk: Perk | None = None


class CampaignList(ApiModel):
    campaigns: list[CampaignRead]


class CampaignLookup(ApiInput):
    """Campaigns by id, for a list that links to them (one call, however long the list)."""

    ids: list[Id] = Field(max_length=500)


class CampaignLookupResult(ApiModel):
    """Each campaign in the order asked; None where the community holds none with that id."""

    campaigns: list[CampaignRead | None]


class CheckInCreate(ApiInput):
    """A check-in now (the server's clock); `timezone` is where the member is, else the community's zone."""

    member_id: Id
    timezone: Timezone | None = None


class ParticipationRead(ApiModel):
    campaign_id: str
    member_id: str
    current_streak: int
    best_streak: int
    check_ins: int
    timezone: str | None
    outcome: CheckInOutcome | None = None


class TaskClaim(ApiInput):
    member_id: Id
    task_id: Annotated[str, StringConstraints(min_length=1, max_length=20)]


class CampaignRewardRead(ApiModel):
    id: str
    campaign_id: str
    task_id: str
    member_id: str
    kind: RewardKind
    state: RewardState
    points: int
    amount_cents: int
    prize_name: str | None
    fulfilment: Fulfilment | None
    fulfilment_note: str | None
    granted_at: datetime
    releasable_at: datetime | None
    clawback_reason: ClawbackReason | None


class CampaignRewardList(ApiModel):
    rewards: list[CampaignRewardRead]


class RewardClawback(ApiInput):
    reason: ClawbackReason


class RewardFulfilmentUpdate(ApiInput):
    status: Fulfilment
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = None


class CertificatePdf(ApiModel):
    filename: str
    content_base64: str


class ReleaseResult(ApiModel):
    """Held rewards whose holding period ended, moved into members' balances by this call."""

    released: int


class ReferralLink(ApiModel):
    campaign_id: str
    member_id: str
    code: str


class ReferralAttribute(ApiInput):
    """A new member names the referral code they came through; the attribution is kept once per member."""

    member_id: Id
    code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=8, max_length=200)]


class ReferralRead(ApiModel):
    campaign_id: str
    referrer_id: str
    member_id: str
    attributed_at: datetime


class StepCompletion(ApiModel):
    step: Step
    members: int  # participants who completed at least one task of this step
    rate: float | None


class TaskCompletion(ApiModel):
    task_id: str
    kind: TaskKind
    completed: int
    rate: float | None


class CampaignReport(ApiModel):
    campaign_id: str
    participants: int
    steps: list[StepCompletion]
    tasks: list[TaskCompletion]
    share_rate: float | None  # participants who completed a SHARE task
    spent_cents: int  # budget taken by rewards
    cash_held_cents: int
    cash_released_cents: int
    cash_clawed_back_cents: int
    points_granted: int
    prizes_granted: int
    certificates_granted: int
    gmv_cents: int  # what participants paid since the campaign started (billing's ledger)
    acquired_members: int  # participants who joined the community during the campaign's window
    cost_per_acquired_member_cents: int | None
