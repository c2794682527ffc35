"""Members' and communities' root queries; operator fields pass `require_operator` first."""

from __future__ import annotations

from datetime import datetime

import strawberry

from gateway.context import Info
from gateway.graphql.pagination import check_first
from gateway.graphql.users.enums import ProposalStatus
from gateway.graphql.users.types import (
    AcquisitionReport,
    ChannelAcquisition,
    Community,
    CommunityStage,
    Governance,
    LtvModel,
    MemberValueSettings,
    NpsReport,
    NpsResponse,
    NpsScore,
    NpsSurvey,
    Proposal,
    ProposalCount,
    RfmPyramidLayer,
    StageKpi,
    TierChange,
    TierDistributionEntry,
    TierRun,
    TrialProgram,
    User,
)


@strawberry.type
class CommunityQuery:
    @strawberry.field(description="A community by its slug; public, so that sign-up pages can find it.")
    async def community(self, info: Info, slug: str) -> Community | None:
        return Community.from_read(await info.context.services.users.get_community_by_slug(slug))


@strawberry.type
class UserQuery:
    @strawberry.field(description="The calling member.")
    async def me(self, info: Info) -> User | None:
        return User.from_read(await info.context.require_member())


@strawberry.type
class MemberValueQuery:
    @strawberry.field(description="Operators: members per tier, all nine tiers, beside the playbook's targets.")
    async def tier_distribution(
        self, info: Info, community_id: strawberry.ID | None = None
    ) -> list[TierDistributionEntry]:
        cid = (await info.context.require_operator(community_id)).community_id
        read = await info.context.services.users.tier_distribution(cid)
        return [TierDistributionEntry.from_read(t) for t in read.tiers]

    @strawberry.field(description="Operators: the three RFM layers with shares, target shares and treatments.")
    async def rfm_pyramid(self, info: Info, community_id: strawberry.ID | None = None) -> list[RfmPyramidLayer]:
        cid = (await info.context.require_operator(community_id)).community_id
        read = await info.context.services.users.rfm_pyramid(cid)
        return [RfmPyramidLayer.from_read(layer) for layer in read.layers]

    @strawberry.field(description="Operators: the latest runs of the tier batch job, newest first.")
    async def tier_runs(self, info: Info, first: int = 20, community_id: strawberry.ID | None = None) -> list[TierRun]:
        cid = (await info.context.require_operator(community_id)).community_id
        runs = await info.context.services.users.list_tier_runs(cid, limit=check_first(first))
        return [TierRun.from_read(r) for r in runs]

    @strawberry.field(description="Operators: a member's movements between tiers, newest first.")
    async def tier_history(
        self, info: Info, member_id: strawberry.ID, first: int = 20, community_id: strawberry.ID | None = None
    ) -> list[TierChange]:
        cid = (await info.context.require_operator(community_id)).community_id
        changes = await info.context.services.users.tier_history(cid, str(member_id), limit=check_first(first))
        return [TierChange.from_read(c) for c in changes]

    @strawberry.field(description="Operators: the community's pyramid proportions and tier thresholds.")
    async def member_value_settings(self, info: Info, community_id: strawberry.ID | None = None) -> MemberValueSettings:
        cid = (await info.context.require_operator(community_id)).community_id
        return MemberValueSettings.from_read(await info.context.services.users.get_value_config(cid))


@strawberry.type
class LtvQuery:
    @strawberry.field(description="Operators: the community's LTV model versions, newest first.")
    async def ltv_models(
        self, info: Info, first: int = 10, community_id: strawberry.ID | None = None
    ) -> list[LtvModel]:
        cid = (await info.context.require_operator(community_id)).community_id
        models = await info.context.services.users.list_ltv_models(cid, limit=check_first(first))
        return [LtvModel.from_read(m) for m in models]


@strawberry.type
class VoiceQuery:
    @strawberry.field(description="Surveys of the caller's community, newest first.")
    async def nps_surveys(
        self, info: Info, first: int = 20, community_id: strawberry.ID | None = None
    ) -> list[NpsSurvey]:
        cid = await info.context.reader_community(community_id)
        surveys = await info.context.services.users.list_nps_surveys(cid, limit=check_first(first))
        return [NpsSurvey.from_read(s) for s in surveys]

    @strawberry.field(description="Operators: NPS overall, per month, per tier and per layer (one survey or all).")
    async def nps_report(
        self,
        info: Info,
        survey_id: strawberry.ID | None = None,
        since: datetime | None = None,
        community_id: strawberry.ID | None = None,
    ) -> NpsReport:
        cid = (await info.context.require_operator(community_id)).community_id
        read = await info.context.services.users.nps_report(cid, str(survey_id) if survey_id else None, since)
        return NpsReport(
            excellent_above=read.excellent_above,
            overall=NpsScore.from_read(read.overall),
            by_period=[NpsScore.from_read(s) for s in read.by_period],
            by_tier=[NpsScore.from_read(s) for s in read.by_tier],
            by_layer=[NpsScore.from_read(s) for s in read.by_layer],
        )

    @strawberry.field(description="Operators: answers, newest first, with the tier each member had then.")
    async def nps_responses(
        self,
        info: Info,
        survey_id: strawberry.ID | None = None,
        first: int = 20,
        community_id: strawberry.ID | None = None,
    ) -> list[NpsResponse]:
        cid = (await info.context.require_operator(community_id)).community_id
        responses = await info.context.services.users.list_nps_responses(
            cid, str(survey_id) if survey_id else None, limit=check_first(first)
        )
        return [NpsResponse.from_read(r, cid) for r in responses]


@strawberry.type
class GovernanceQuery:
    @strawberry.field(description="Members of the community (or the admin key): committee, panel, proposals.")
    async def governance(self, info: Info, community_id: strawberry.ID | None = None) -> Governance:
        cid = await info.context.reader_community(community_id)
        read = await info.context.services.users.governance(cid)
        return Governance(
            committee_size=read.committee_size,
            committee_target=read.committee_target,
            expert_panel_size=read.expert_panel_size,
            expert_panel_target=read.expert_panel_target,
            proposals=[ProposalCount(status=ProposalStatus(s), count=n) for s, n in read.proposals.items()],
            adoption_rate=read.adoption_rate,
            target_adoption_rate=read.target_adoption_rate,
            community_id=cid,
        )

    @strawberry.field(description="Proposals of the caller's community, newest first.")
    async def proposals(
        self,
        info: Info,
        status: ProposalStatus | None = None,
        first: int = 20,
        community_id: strawberry.ID | None = None,
    ) -> list[Proposal]:
        cid = await info.context.reader_community(community_id)
        found = await info.context.services.users.list_proposals(
            cid, status.value if status else None, limit=check_first(first)
        )
        return [Proposal.from_read(p, cid) for p in found]


@strawberry.type
class StageQuery:
    @strawberry.field(description="Operators: lifecycle stage and each KPI's target, actual and gap.")
    async def community_stage(self, info: Info, community_id: strawberry.ID | None = None) -> CommunityStage:
        cid = (await info.context.require_operator(community_id)).community_id
        read = await info.context.services.users.community_stage(cid)
        return CommunityStage(
            stage=read.stage,
            founded_at=read.founded_at,
            months=read.months,
            kpis=[
                StageKpi(
                    key=k.key,
                    stage=k.stage,
                    description=k.description,
                    target=k.target,
                    actual=k.actual,
                    gap=k.gap,
                    met=k.met,
                )
                for k in read.kpis
            ],
        )


@strawberry.type
class AcquisitionQuery:
    @strawberry.field(description="Operators: sign-ups, spend, CAC and LTV/CAC per channel in [start, end).")
    async def acquisition_report(
        self,
        info: Info,
        start: datetime | None = None,
        end: datetime | None = None,
        community_id: strawberry.ID | None = None,
    ) -> AcquisitionReport:
        cid = (await info.context.require_operator(community_id)).community_id
        read = await info.context.services.users.acquisition_report(cid, start, end)
        return AcquisitionReport(
            start=read.start,
            end=read.end,
            signups=read.signups,
            spend_cents=read.spend_cents,
            cac_cents=read.cac_cents,
            ltv_to_cac_healthy_above=read.ltv_to_cac_healthy_above,
            channels=[
                ChannelAcquisition(
                    channel=c.channel,
                    signups=c.signups,
                    spend_cents=c.spend_cents,
                    cac_cents=c.cac_cents,
                    avg_ltv_cents=c.avg_ltv_cents,
                    ltv_to_cac=c.ltv_to_cac,
                )
                for c in read.channels
            ],
        )

    @strawberry.field(description="Operators: trial programs, newest first, each measured.")
    async def trial_programs(
        self, info: Info, first: int = 20, community_id: strawberry.ID | None = None
    ) -> list[TrialProgram]:
        cid = (await info.context.require_operator(community_id)).community_id
        programs = await info.context.services.users.list_trial_programs(cid, limit=check_first(first))
        return [TrialProgram.from_read(p) for p in programs]
