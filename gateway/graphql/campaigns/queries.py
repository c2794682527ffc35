"""Campaign root queries: members read their community's campaigns and their own progress; operators the report."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.context import Info
from gateway.graphql.arguments import CommunityArg
from gateway.graphql.campaigns.types import (
    Campaign,
    CampaignBalance,
    CampaignCertificate,
    CampaignParticipation,
    CampaignReferralLink,
    CampaignReportResult,
    CampaignReward,
)
from gateway.graphql.pagination import check_first


@strawberry.type
class CampaignQuery:
    @strawberry.field(description="The community's campaigns, newest first.")
    async def campaigns(
        self, info: Info, first: int = 20, community_id: Annotated[strawberry.ID | None, CommunityArg] = None
    ) -> list[Campaign]:
        cid = await info.context.reader_community(community_id)
        reads = await info.context.services.users.list_campaigns(cid, limit=check_first(first))
        return [Campaign.from_read(r) for r in reads]

    @strawberry.field(description="One campaign of the community.")
    async def campaign(
        self, info: Info, id: strawberry.ID, community_id: Annotated[strawberry.ID | None, CommunityArg] = None
    ) -> Campaign:
        cid = await info.context.reader_community(community_id)
        return Campaign.from_read(await info.context.services.users.get_campaign(cid, str(id)))

    @strawberry.field(description="Members: their own check-ins and streak in a campaign.")
    async def campaign_participation(self, info: Info, campaign_id: strawberry.ID) -> CampaignParticipation:
        member = await info.context.require_member()
        read = await info.context.services.users.campaign_participation(
            member.community_id, str(campaign_id), member.id
        )
        return CampaignParticipation.from_read(read)

    @strawberry.field(description="Members: their own campaign rewards, newest first.")
    async def my_campaign_rewards(
        self, info: Info, campaign_id: strawberry.ID | None = None, first: int = 20
    ) -> list[CampaignReward]:
        member = await info.context.require_member()
        reads = await info.context.services.users.member_campaign_rewards(
            member.community_id,
            member.id,
            campaign_id=str(campaign_id) if campaign_id else None,
            limit=check_first(first),
        )
        return [CampaignReward.from_read(r) for r in reads]

    @strawberry.field(description="Members: their campaign cash in the ledger (held, available, clawed back).")
    async def my_campaign_balance(self, info: Info) -> CampaignBalance:
        member = await info.context.require_member()
        read = await info.context.services.billing.reward_balance(member.community_id, member.id)
        return CampaignBalance(
            held_cents=read.held_cents, available_cents=read.available_cents, clawed_back_cents=read.clawed_back_cents
        )

    @strawberry.field(description="Members: their referral code for a campaign.")
    async def campaign_referral_link(self, info: Info, campaign_id: strawberry.ID) -> CampaignReferralLink:
        member = await info.context.require_member()
        read = await info.context.services.users.campaign_referral_link(
            member.community_id, str(campaign_id), member.id
        )
        return CampaignReferralLink.from_read(read)

    @strawberry.field(description="Operators: the campaign's report.")
    async def campaign_report(
        self,
        info: Info,
        campaign_id: strawberry.ID,
        community_id: Annotated[strawberry.ID | None, CommunityArg] = None,
    ) -> CampaignReportResult:
        cid = (await info.context.require_operator(community_id)).community_id
        read = await info.context.services.users.campaign_report(cid, str(campaign_id))
        return CampaignReportResult.from_read(read)

    @strawberry.field(
        description="A CERTIFICATE reward as PDF (CJK-capable): members their own, operators any of the community."
    )
    async def campaign_certificate(
        self,
        info: Info,
        reward_id: Annotated[strawberry.ID, strawberry.argument(description="Id of the reward.")],
        community_id: Annotated[strawberry.ID | None, CommunityArg] = None,
    ) -> CampaignCertificate:
        cid, member_id = await info.context.member_or_operator(community_id)
        read = await info.context.services.users.campaign_certificate(cid, str(reward_id), member_id)
        return CampaignCertificate(filename=read.filename, content_base64=read.content_base64)
