"""Object types of campaigns."""

from __future__ import annotations

from datetime import datetime

import strawberry

from gateway.context import Info
from gateway.graphql.campaigns.enums import (
    CampaignRewardKind,
    CampaignRewardState,
    CampaignStep,
    CheckInOutcome,
    ClawbackReason,
    PrizeFulfilment,
    TaskKind,
)
from gateway.graphql.links import member_link, scoped_link
from gateway.graphql.users.enums import Perk
from gateway.graphql.users.types import User
from users_service.schemas import (
    CampaignRead,
    CampaignReport,
    CampaignRewardRead,
    CampaignTaskRead,
    ParticipationRead,
    ReferralLink,
    ReferralRead,
    RewardSpec,
)


@strawberry.type(description="What completing a task earns.")
class CampaignRewardSpec:
    kind: CampaignRewardKind
    points: int = strawberry.field(description="Points, for a POINTS reward.")
    amount_cents: int = strawberry.field(description="The red packet, minor units, for a CASH reward.")
    prize_name: str | None = strawberry.field(description="The prize, for a PRIZE reward.")
    prize_cost_cents: int = strawberry.field(description="What one prize takes from the budget.")

    @staticmethod
    def from_read(read: RewardSpec) -> CampaignRewardSpec:
        return CampaignRewardSpec(
            kind=read.kind,
            points=read.points,
            amount_cents=read.amount_cents,
            prize_name=read.prize_name,
            prize_cost_cents=read.prize_cost_cents,
        )


@strawberry.type(description="One task of a campaign: a rule over recorded facts, and its reward.")
class CampaignTask:
    id: strawberry.ID = strawberry.field(description="The task's id within its campaign (t1, t2, ...).")
    kind: TaskKind
    step: CampaignStep
    title: str = strawberry.field(description="What the member is asked to do, for display.")
    count: int = strawberry.field(description="How many times (or streak days) the records must show.")
    tag: str | None = strawberry.field(description="The tag a PUBLISH_WITH_TAG task needs.")
    reward: CampaignRewardSpec

    @staticmethod
    def from_read(read: CampaignTaskRead) -> CampaignTask:
        return CampaignTask(
            id=strawberry.ID(read.id),
            kind=read.kind,
            step=read.step,
            title=read.title,
            count=read.count,
            tag=read.tag,
            reward=CampaignRewardSpec.from_read(read.reward),
        )


@strawberry.type(description="A campaign: theme, window, budget, and the path check-in → tasks → share.")
class Campaign:
    id: strawberry.ID
    name: str
    theme: str
    starts_at: datetime = strawberry.field(description="Start of the window (ISO 8601, UTC).")
    ends_at: datetime = strawberry.field(description="End of the window (exclusive).")
    budget_cents: int = strawberry.field(description="What rewards may cost in all, minor units.")
    spent_cents: int = strawberry.field(description="What rewards granted so far took from the budget.")
    remaining_cents: int = strawberry.field(description="What is left of the budget.")
    holding_days: int = strawberry.field(description="Days a cash reward is held before it reaches the balance.")
    tasks: list[CampaignTask]
    created_at: datetime
    perk: Perk | None = strawberry.field(
        default=None, description="Only members whose layer's treatment grants it take part; null: everyone."
    )

    @staticmethod
    def from_read(read: CampaignRead) -> Campaign:
        return Campaign(
            id=strawberry.ID(read.id),
            name=read.name,
            theme=read.theme,
            starts_at=read.starts_at,
            ends_at=read.ends_at,
            budget_cents=read.budget_cents,
            spent_cents=read.spent_cents,
            remaining_cents=read.remaining_cents,
            holding_days=read.holding_days,
            tasks=[CampaignTask.from_read(t) for t in read.tasks],
            perk=read.perk,
            created_at=read.created_at,
        )


@strawberry.type(description="A member's check-ins in a campaign, counted in their own timezone.")
class CampaignParticipation:
    campaign_id: strawberry.ID
    member_id: strawberry.ID
    current_streak: int = strawberry.field(description="Consecutive local days up to the last check-in.")
    best_streak: int = strawberry.field(description="The longest streak in this campaign.")
    check_ins: int = strawberry.field(description="Days checked in (a second check-in the same day is not counted).")
    timezone: str | None = strawberry.field(description="The IANA zone of the last counted check-in.")
    outcome: CheckInOutcome | None = strawberry.field(description="What this check-in did; null on a read.")

    @strawberry.field(description="The participant; null when their account no longer exists.")
    async def member(self, info: Info) -> User | None:
        return await member_link(info, self.member_id, User.from_read)

    @strawberry.field(description="The campaign `campaignId` names.")
    async def campaign(self, info: Info) -> Campaign | None:
        read = await scoped_link(info, info.context.loaders.campaign_by_id, self.campaign_id)
        return Campaign.from_read(read) if read else None

    @staticmethod
    def from_read(read: ParticipationRead) -> CampaignParticipation:
        return CampaignParticipation(
            campaign_id=strawberry.ID(read.campaign_id),
            member_id=strawberry.ID(read.member_id),
            current_streak=read.current_streak,
            best_streak=read.best_streak,
            check_ins=read.check_ins,
            timezone=read.timezone,
            outcome=read.outcome,
        )


@strawberry.type(description="A reward granted for one task to one member (at most one per member and task).")
class CampaignReward:
    id: strawberry.ID
    campaign_id: strawberry.ID
    task_id: strawberry.ID
    member_id: strawberry.ID
    kind: CampaignRewardKind
    state: CampaignRewardState
    points: int
    amount_cents: int = strawberry.field(description="The cash red packet, minor units (0 for other kinds).")
    prize_name: str | None
    fulfilment: PrizeFulfilment | None = strawberry.field(description="For a PRIZE: where its delivery stands.")
    fulfilment_note: str | None = strawberry.field(description="The operator's note, e.g. a tracking number.")
    granted_at: datetime
    releasable_at: datetime | None = strawberry.field(description="For CASH: when the holding period ends.")
    clawback_reason: ClawbackReason | None

    @strawberry.field(description="The member rewarded; null when their account no longer exists.")
    async def member(self, info: Info) -> User | None:
        return await member_link(info, self.member_id, User.from_read)

    @strawberry.field(description="The campaign `campaignId` names.")
    async def campaign(self, info: Info) -> Campaign | None:
        read = await scoped_link(info, info.context.loaders.campaign_by_id, self.campaign_id)
        return Campaign.from_read(read) if read else None

    @staticmethod
    def from_read(read: CampaignRewardRead) -> CampaignReward:
        return CampaignReward(
            id=strawberry.ID(read.id),
            campaign_id=strawberry.ID(read.campaign_id),
            task_id=strawberry.ID(read.task_id),
            member_id=strawberry.ID(read.member_id),
            kind=read.kind,
            state=read.state,
            points=read.points,
            amount_cents=read.amount_cents,
            prize_name=read.prize_name,
            fulfilment=read.fulfilment,
            fulfilment_note=read.fulfilment_note,
            granted_at=read.granted_at,
            releasable_at=read.releasable_at,
            clawback_reason=read.clawback_reason,
        )


@strawberry.type(description="A member's campaign money in the ledger.")
class CampaignBalance:
    held_cents: int = strawberry.field(description="Cash rewards still in their holding period.")
    available_cents: int = strawberry.field(description="Released into the member's balance.")
    clawed_back_cents: int = strawberry.field(description="Taken back for fraud or refund.")


@strawberry.type(description="A member's referral code for a campaign.")
class CampaignReferralLink:
    campaign_id: strawberry.ID
    code: str = strawberry.field(description="Signed; a new member passes it to `attributeCampaignReferral`.")

    @staticmethod
    def from_read(read: ReferralLink) -> CampaignReferralLink:
        return CampaignReferralLink(campaign_id=strawberry.ID(read.campaign_id), code=read.code)


@strawberry.type(description="A new member attributed to the referrer whose code they came through.")
class CampaignReferral:
    campaign_id: strawberry.ID
    referrer_id: strawberry.ID
    member_id: strawberry.ID
    attributed_at: datetime

    @strawberry.field(description="The member referred; null when their account no longer exists.")
    async def member(self, info: Info) -> User | None:
        return await member_link(info, self.member_id, User.from_read)

    @strawberry.field(description="The member who referred them; null when their account no longer exists.")
    async def referrer(self, info: Info) -> User | None:
        return await member_link(info, self.referrer_id, User.from_read)

    @strawberry.field(description="The campaign `campaignId` names.")
    async def campaign(self, info: Info) -> Campaign | None:
        read = await scoped_link(info, info.context.loaders.campaign_by_id, self.campaign_id)
        return Campaign.from_read(read) if read else None

    @staticmethod
    def from_read(read: ReferralRead) -> CampaignReferral:
        return CampaignReferral(
            campaign_id=strawberry.ID(read.campaign_id),
            referrer_id=strawberry.ID(read.referrer_id),
            member_id=strawberry.ID(read.member_id),
            attributed_at=read.attributed_at,
        )


@strawberry.type(description="Members who completed a task of one step.")
class CampaignStepCompletion:
    step: CampaignStep
    members: int
    rate: float | None = strawberry.field(description="members ÷ participants; null without participants.")


@strawberry.type(description="Members rewarded for one task.")
class CampaignTaskCompletion:
    task_id: strawberry.ID
    kind: TaskKind
    completed: int
    rate: float | None = strawberry.field(description="completed ÷ participants.")


@strawberry.type(description="A campaign's outcome: participation, completion, rewards, GMV and acquisition cost.")
class CampaignReportResult:
    campaign_id: strawberry.ID
    participants: int = strawberry.field(description="Members who checked in or were rewarded.")
    steps: list[CampaignStepCompletion]
    tasks: list[CampaignTaskCompletion]
    share_rate: float | None = strawberry.field(description="Participants who completed a SHARE task.")
    spent_cents: int = strawberry.field(description="Budget taken by rewards.")
    cash_held_cents: int
    cash_released_cents: int
    cash_clawed_back_cents: int
    points_granted: int
    prizes_granted: int
    certificates_granted: int
    gmv_cents: int = strawberry.field(description="What participants paid since the campaign started (ledger).")
    acquired_members: int = strawberry.field(description="Participants who joined during the window.")
    cost_per_acquired_member_cents: int | None = strawberry.field(description="spentCents ÷ acquiredMembers.")

    @staticmethod
    def from_read(read: CampaignReport) -> CampaignReportResult:
        return CampaignReportResult(
            campaign_id=strawberry.ID(read.campaign_id),
            participants=read.participants,
            steps=[CampaignStepCompletion(step=s.step, members=s.members, rate=s.rate) for s in read.steps],
            tasks=[
                CampaignTaskCompletion(
                    task_id=strawberry.ID(t.task_id), kind=t.kind, completed=t.completed, rate=t.rate
                )
                for t in read.tasks
            ],
            share_rate=read.share_rate,
            spent_cents=read.spent_cents,
            cash_held_cents=read.cash_held_cents,
            cash_released_cents=read.cash_released_cents,
            cash_clawed_back_cents=read.cash_clawed_back_cents,
            points_granted=read.points_granted,
            prizes_granted=read.prizes_granted,
            certificates_granted=read.certificates_granted,
            gmv_cents=read.gmv_cents,
            acquired_members=read.acquired_members,
            cost_per_acquired_member_cents=read.cost_per_acquired_member_cents,
        )


@strawberry.type(description="A certificate reward as a PDF file.")
class CampaignCertificate:
    filename: str = strawberry.field(description="A file name for the download.")
    content_base64: str = strawberry.field(description="The PDF file, base64-encoded.")
