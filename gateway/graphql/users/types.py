"""Object types of members and communities: the member, value tiers and the RFM pyramid, LTV models, NPS,
governance, the lifecycle stage and acquisition. Fields held by another service resolve through loaders."""

from __future__ import annotations

from datetime import datetime

import strawberry

from gateway.context import Info
from gateway.graphql.billing.types import Membership
from gateway.graphql.models import from_model
from gateway.graphql.pagination import check_first
from gateway.graphql.users.enums import (
    AcquisitionChannel,
    LifecycleStage,
    Perk,
    ProposalRecommendation,
    ProposalStatus,
    RfmLayer,
    Role,
    Tier,
    TrialProgramKind,
)
from users_service.schemas import (
    CommunityRead,
    LayerShare,
    LtvErrors,
    LtvModelRead,
    MemberRead,
    NpsRead,
    ProgramRead,
    ProposalRead,
    ResponseRead,
    StepRead,
    SurveyRead,
    TierChangeRead,
    TierRunRead,
    TierShare,
    TreatmentRead,
    ValueConfig,
)


@strawberry.type
class AuthPayload:
    token: str
    user: User


@strawberry.type(description="One tier of a community: head count, share, and the playbook's target share.")
class TierDistributionEntry:
    tier: Tier
    members: int
    share: float
    target_share: float | None = strawberry.field(description="The playbook's share where it gives one (38%, 22%).")

    @staticmethod
    def from_read(read: TierShare) -> TierDistributionEntry:
        return TierDistributionEntry(
            tier=read.tier, members=read.members, share=read.share, target_share=read.target_share
        )


@strawberry.type(description="One perk of a layer's treatment and what it does.")
class PerkEffect:
    perk: Perk
    acts: bool
    effect: str


@strawberry.type(description="How operators treat a layer; perks are codes other services act on.")
class LayerTreatment:
    summary: str
    perks: list[str]
    effects: list[PerkEffect]

    @staticmethod
    def from_read(read: TreatmentRead) -> LayerTreatment:
        return LayerTreatment(
            summary=read.summary,
            perks=[p.value for p in read.perks],
            effects=[PerkEffect(perk=e.perk, acts=e.acts, effect=e.effect) for e in read.effects],
        )


@strawberry.type(description="One layer of the RFM pyramid.")
class RfmPyramidLayer:
    layer: RfmLayer
    members: int
    share: float
    target_share: float
    treatment: LayerTreatment

    @staticmethod
    def from_read(read: LayerShare) -> RfmPyramidLayer:
        return RfmPyramidLayer(
            layer=read.layer,
            members=read.members,
            share=read.share,
            target_share=read.target_share,
            treatment=LayerTreatment.from_read(read.treatment),
        )


@strawberry.type
class TierMovement:
    from_tier: Tier
    to_tier: Tier
    members: int


@strawberry.type(description="One run of the tier batch job and the movements between tiers it made.")
class TierRun:
    id: strawberry.ID
    started_at: datetime
    duration_ms: int
    members: int
    promotions: int
    demotions: int
    layer_changes: int
    movements: list[TierMovement]
    as_of: datetime | None = strawberry.field(
        default=None, description="The moment the run scored as of (startedAt is when it ran); null for older runs."
    )

    @staticmethod
    def from_read(read: TierRunRead) -> TierRun:
        return TierRun(
            id=strawberry.ID(read.id),
            started_at=read.started_at,
            duration_ms=read.duration_ms,
            members=read.members,
            promotions=read.promotions,
            demotions=read.demotions,
            layer_changes=read.layer_changes,
            movements=[TierMovement(from_tier=m.from_tier, to_tier=m.to_tier, members=m.members) for m in read.moves],
            as_of=read.as_of,
        )


@strawberry.type
class TierChange:
    from_tier: Tier
    to_tier: Tier
    at: datetime

    @staticmethod
    def from_read(read: TierChangeRead) -> TierChange:
        return TierChange(from_tier=read.from_tier, to_tier=read.to_tier, at=read.at)


@strawberry.type(description="A community's pyramid proportions and tier thresholds.")
class MemberValueSettings:
    base_share: float
    activated_share: float
    core_share: float
    rfm_window_days: int
    window_days: int = strawberry.field(description="Rolling window of tier rules (Discourse TL3: 100 days).")
    grace_days: int = strawberry.field(description="No demotion this long after a promotion (Discourse TL3: 14).")
    new_member_days: int
    active_min_events: int
    contributor_min_contents: int
    koc_min_contents: int
    koc_min_events: int

    @staticmethod
    def from_read(read: ValueConfig) -> MemberValueSettings:
        return MemberValueSettings(
            **{name: getattr(read, name) for name in MemberValueSettings.__annotations__ if hasattr(read, name)}
        )


@strawberry.experimental.pydantic.type(model=LtvErrors, all_fields=True)
class LtvErrorMetrics:
    pass


@strawberry.type(description="Members sorted by prediction and cut into bins: predicted vs actual mean value.")
class LtvCalibration:
    members: int
    predicted_mean: float
    actual_mean: float


@strawberry.type(description="One trained LTV version, evaluated on the later period of a time split.")
class LtvModel:
    version: int
    trained_at: datetime
    horizon_days: int
    train_cutoff: datetime
    test_cutoff: datetime
    train_members: int
    test_members: int
    features: list[str]
    model: LtvErrorMetrics
    naive: LtvErrorMetrics = strawberry.field(description="Each member's value of the previous period, carried on.")
    mean: LtvErrorMetrics = strawberry.field(description="The training mean for everyone.")
    beats_naive: bool
    total_ratio: float | None = strawberry.field(description="Sum predicted / sum actual on the test period.")
    calibration: list[LtvCalibration]
    predicted_members: int
    note: str | None

    @staticmethod
    def from_read(read: LtvModelRead) -> LtvModel:
        return LtvModel(
            version=read.version,
            trained_at=read.trained_at,
            horizon_days=read.horizon_days,
            train_cutoff=read.train_cutoff,
            test_cutoff=read.test_cutoff,
            train_members=read.train_members,
            test_members=read.test_members,
            features=list(read.features),
            model=from_model(LtvErrorMetrics, read.model),
            naive=from_model(LtvErrorMetrics, read.naive),
            mean=from_model(LtvErrorMetrics, read.mean),
            beats_naive=read.beats_naive,
            total_ratio=read.total_ratio,
            calibration=[
                LtvCalibration(members=b.members, predicted_mean=b.predicted_mean, actual_mean=b.actual_mean)
                for b in read.calibration
            ],
            predicted_members=read.predicted_members,
            note=read.note,
        )


@strawberry.type
class NpsSurvey:
    id: strawberry.ID
    title: str
    question: str
    open: bool
    created_at: datetime

    @staticmethod
    def from_read(read: SurveyRead) -> NpsSurvey:
        return NpsSurvey(
            id=strawberry.ID(read.id),
            title=read.title,
            question=read.question,
            open=read.open,
            created_at=read.created_at,
        )


@strawberry.type(description="One answer, traced to the member's tier and RFM layer when they answered.")
class NpsResponse:
    id: strawberry.ID
    survey_id: strawberry.ID
    score: int
    comment: str | None
    tier_at_response: Tier
    rfm_layer_at_response: RfmLayer
    responded_at: datetime
    member_id: strawberry.Private[str]
    community_id: strawberry.Private[str]

    @strawberry.field(description="Null when the member no longer exists.")
    async def member(self, info: Info) -> User | None:
        read = await info.context.loaders.member_by_id.load((self.community_id, self.member_id))
        return User.from_read(read) if read else None

    @staticmethod
    def from_read(read: ResponseRead, community_id: str) -> NpsResponse:
        return NpsResponse(
            id=strawberry.ID(read.id),
            survey_id=strawberry.ID(read.survey_id),
            score=read.score,
            comment=read.comment,
            tier_at_response=read.tier,
            rfm_layer_at_response=read.rfm_layer,
            responded_at=read.responded_at,
            member_id=read.member_id,
            community_id=community_id,
        )


@strawberry.type(description="NPS of a group: % promoters (9-10) minus % detractors (0-6).")
class NpsScore:
    key: str = strawberry.field(description="ALL, a month (YYYY-MM), a tier or a layer.")
    responses: int
    promoters: int
    passives: int
    detractors: int
    nps: float | None
    excellent: bool = strawberry.field(description="Above the playbook's bar (NPS > 40).")

    @staticmethod
    def from_read(read: NpsRead) -> NpsScore:
        return NpsScore(
            key=read.key,
            responses=read.responses,
            promoters=read.promoters,
            passives=read.passives,
            detractors=read.detractors,
            nps=read.nps,
            excellent=read.excellent,
        )


@strawberry.type
class NpsReport:
    excellent_above: float
    overall: NpsScore
    by_period: list[NpsScore]
    by_tier: list[NpsScore]
    by_layer: list[NpsScore]


@strawberry.type(description="One step of a proposal: who took it, their note, when.")
class ProposalStep:
    note: str | None
    at: datetime
    by_id: strawberry.Private[str | None]
    community_id: strawberry.Private[str]

    @strawberry.field(description="Null for the platform admin or a member who no longer exists.")
    async def by(self, info: Info) -> User | None:
        if not self.by_id:
            return None
        read = await info.context.loaders.member_by_id.load((self.community_id, self.by_id))
        return User.from_read(read) if read else None

    @staticmethod
    def from_read(read: StepRead | None, community_id: str) -> ProposalStep | None:
        if read is None:
            return None
        return ProposalStep(note=read.note, at=read.at, by_id=read.by, community_id=community_id)


@strawberry.type
class Proposal:
    id: strawberry.ID
    title: str
    body: str
    status: ProposalStatus
    created_at: datetime
    recommendation: ProposalRecommendation | None
    review: ProposalStep | None
    decision: ProposalStep | None
    feedback: ProposalStep | None
    author_id: strawberry.Private[str]
    community_id: strawberry.Private[str]

    @strawberry.field
    async def author(self, info: Info) -> User | None:
        read = await info.context.loaders.member_by_id.load((self.community_id, self.author_id))
        return User.from_read(read) if read else None

    @staticmethod
    def from_read(read: ProposalRead, community_id: str) -> Proposal:
        return Proposal(
            id=strawberry.ID(read.id),
            title=read.title,
            body=read.body,
            status=read.status,
            created_at=read.created_at,
            recommendation=read.recommendation if read.recommendation else None,
            review=ProposalStep.from_read(read.review, community_id),
            decision=ProposalStep.from_read(read.decision, community_id),
            feedback=ProposalStep.from_read(read.feedback, community_id),
            author_id=read.author_id,
            community_id=community_id,
        )


@strawberry.type
class ProposalCount:
    status: ProposalStatus
    count: int


@strawberry.type(description="The community's self-governance at a glance, beside the playbook's targets.")
class Governance:
    committee_size: int
    committee_target: int = strawberry.field(description="Playbook: a user committee of 500 core users.")
    expert_panel_size: int
    expert_panel_target: int = strawberry.field(description="Playbook: an expert think-tank of 100+.")
    proposals: list[ProposalCount]
    adoption_rate: float | None = strawberry.field(description="Adopted over decided proposals; null before any.")
    target_adoption_rate: float = strawberry.field(description="Playbook: 67% of proposals adopted.")
    community_id: strawberry.Private[str]

    @strawberry.field(description="The user committee: members of the core RFM layer.")
    async def committee(self, info: Info, first: int = 20) -> list[User]:
        members = await info.context.services.users.governance_committee(self.community_id, limit=check_first(first))
        return [User.from_read(m) for m in members]

    @strawberry.field(description="The expert panel: members holding the EXPERT role.")
    async def expert_panel(self, info: Info, first: int = 20) -> list[User]:
        members = await info.context.services.users.expert_panel(self.community_id, limit=check_first(first))
        return [User.from_read(m) for m in members]


@strawberry.type(description="One KPI: the stage it belongs to, its target, the measured value and the gap.")
class StageKpi:
    key: str
    stage: LifecycleStage
    description: str
    target: float
    actual: float
    gap: float = strawberry.field(description="actual - target; negative is short of the target.")
    met: bool


@strawberry.type
class CommunityStage:
    stage: LifecycleStage
    founded_at: datetime = strawberry.field(description="Creation, or the first member's join if earlier (imports).")
    months: int
    kpis: list[StageKpi] = strawberry.field(description="Every stage's KPIs, the current stage's first.")


@strawberry.type
class ChannelAcquisition:
    channel: AcquisitionChannel
    signups: int
    spend_cents: int
    cac_cents: int | None = strawberry.field(description="Spend per sign-up; null without sign-ups.")
    avg_ltv_cents: int | None = strawberry.field(description="Mean predicted LTV of the channel's sign-ups.")
    ltv_to_cac: float | None = strawberry.field(description="Playbook: above 3.5 is healthy.")


@strawberry.type
class AcquisitionReport:
    start: datetime | None
    end: datetime | None
    signups: int
    spend_cents: int
    cac_cents: int | None
    ltv_to_cac_healthy_above: float
    channels: list[ChannelAcquisition]


@strawberry.type
class AcquisitionSpend:
    id: strawberry.ID
    channel: AcquisitionChannel
    amount_cents: int
    currency: str
    spent_at: datetime


@strawberry.type(description="A trial program and how it did: conversion (camp) or retention (growth plan).")
class TrialProgram:
    id: strawberry.ID
    kind: TrialProgramKind
    name: str
    duration_days: int
    starts_at: datetime
    ends_at: datetime
    enrolled: int
    ended: bool
    converted: int
    conversion_rate: float | None
    target_conversion_rate: float | None = strawberry.field(description="Playbook: the 7-day camp converts 19.3%.")
    retained: int
    retention_rate: float | None = strawberry.field(description="Active after the end; null until it ends.")
    target_retention_rate: float | None = strawberry.field(description="Playbook: the 21-day plan retains 41%.")

    @staticmethod
    def from_read(read: ProgramRead) -> TrialProgram:
        return TrialProgram(
            id=strawberry.ID(read.id),
            kind=read.kind,
            name=read.name,
            duration_days=read.duration_days,
            starts_at=read.starts_at,
            ends_at=read.ends_at,
            enrolled=read.enrolled,
            ended=read.ended,
            converted=read.converted,
            conversion_rate=read.conversion_rate,
            target_conversion_rate=read.target_conversion_rate,
            retained=read.retained,
            retention_rate=read.retention_rate,
            target_retention_rate=read.target_retention_rate,
        )


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
            roles=[r for r in read.roles],
            tier=read.tier,
            joined_at=read.joined_at,
            community_id=read.community_id,
            rfm_layer=read.rfm_layer,
            ltv=read.ltv_cents,
        )
