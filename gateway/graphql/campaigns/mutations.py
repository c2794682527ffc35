"""Campaign mutations: operators create, release, claw back and fulfil; members check in, claim and are referred."""

from __future__ import annotations

import strawberry

from gateway.context import Info
from gateway.graphql.campaigns.inputs import (
    AttributeCampaignReferralInput,
    AttributeCampaignReferralPayload,
    CheckInCampaignInput,
    CheckInCampaignPayload,
    ClaimCampaignTaskInput,
    ClaimCampaignTaskPayload,
    ClawbackCampaignRewardInput,
    ClawbackCampaignRewardPayload,
    CreateCampaignInput,
    CreateCampaignPayload,
    ReleaseCampaignRewardsInput,
    ReleaseCampaignRewardsPayload,
    UpdatePrizeFulfilmentInput,
    UpdatePrizeFulfilmentPayload,
)
from gateway.graphql.campaigns.types import Campaign, CampaignParticipation, CampaignReferral, CampaignReward
from users_service.schemas import (
    CampaignCreate,
    CheckInCreate,
    ReferralAttribute,
    RewardClawback,
    RewardFulfilmentUpdate,
    TaskClaim,
)


@strawberry.type
class CampaignMutation:
    @strawberry.mutation(description="Operators: create a campaign with its tasks and rewards.")
    async def create_campaign(self, info: Info, input: CreateCampaignInput) -> CreateCampaignPayload:
        cid = (await info.context.require_operator(input.community_id)).community_id
        campaign_in = CampaignCreate.model_validate(
            {
                "name": input.name,
                "theme": input.theme,
                "starts_at": input.starts_at,
                "ends_at": input.ends_at,
                "budget_cents": input.budget_cents,
                "holding_days": input.holding_days,
                "perk": input.perk,
                "tasks": [
                    {
                        "kind": t.kind,
                        "title": t.title,
                        "count": t.count,
                        "tag": t.tag,
                        "reward": {
                            "kind": t.reward.kind,
                            "points": t.reward.points,
                            "amount_cents": t.reward.amount_cents,
                            "prize_name": t.reward.prize_name,
                            "prize_cost_cents": t.reward.prize_cost_cents,
                        },
                    }
                    for t in input.tasks
                ],
            }
        )
        read = await info.context.services.users.create_campaign(cid, campaign_in)
        return CreateCampaignPayload(campaign=Campaign.from_read(read))

    @strawberry.mutation(description="Members: check in to a campaign today (in their timezone); builds the streak.")
    async def check_in_campaign(self, info: Info, input: CheckInCampaignInput) -> CheckInCampaignPayload:
        member = await info.context.require_member()
        check_in_in = CheckInCreate.model_validate({"member_id": member.id, "timezone": input.timezone})
        read = await info.context.services.users.campaign_check_in(
            member.community_id, str(input.campaign_id), check_in_in
        )
        return CheckInCampaignPayload(participation=CampaignParticipation.from_read(read))

    @strawberry.mutation(
        description="Members: claim a task's reward. Refused (BAD_USER_INPUT) until the records show the task "
        "done; CONFLICT when the budget cannot pay it; a retry answers the same reward."
    )
    async def claim_campaign_task(self, info: Info, input: ClaimCampaignTaskInput) -> ClaimCampaignTaskPayload:
        member = await info.context.require_member()
        claim = TaskClaim.model_validate({"member_id": member.id, "task_id": str(input.task_id)})
        read = await info.context.services.users.claim_campaign_task(member.community_id, str(input.campaign_id), claim)
        return ClaimCampaignTaskPayload(reward=CampaignReward.from_read(read))

    @strawberry.mutation(description="Operators: release held cash rewards whose holding period ended.")
    async def release_campaign_rewards(
        self, info: Info, input: ReleaseCampaignRewardsInput
    ) -> ReleaseCampaignRewardsPayload:
        cid = (await info.context.require_operator(input.community_id)).community_id
        read = await info.context.services.users.release_campaign_rewards(cid, str(input.campaign_id))
        return ReleaseCampaignRewardsPayload(released=read.released)

    @strawberry.mutation(description="Operators: claw a reward back (fraud, refund), reversing its cash in the ledger.")
    async def clawback_campaign_reward(
        self, info: Info, input: ClawbackCampaignRewardInput
    ) -> ClawbackCampaignRewardPayload:
        cid = (await info.context.require_operator(input.community_id)).community_id
        clawback = RewardClawback.model_validate({"reason": input.reason})
        read = await info.context.services.users.clawback_campaign_reward(cid, str(input.reward_id), clawback)
        return ClawbackCampaignRewardPayload(reward=CampaignReward.from_read(read))

    @strawberry.mutation(description="Operators: record a prize's shipment or delivery.")
    async def update_prize_fulfilment(
        self, info: Info, input: UpdatePrizeFulfilmentInput
    ) -> UpdatePrizeFulfilmentPayload:
        cid = (await info.context.require_operator(input.community_id)).community_id
        update = RewardFulfilmentUpdate.model_validate({"status": input.status, "note": input.note})
        read = await info.context.services.users.fulfil_campaign_reward(cid, str(input.reward_id), update)
        return UpdatePrizeFulfilmentPayload(reward=CampaignReward.from_read(read))

    @strawberry.mutation(description="Members new to the community: name the referral code they came by (once).")
    async def attribute_campaign_referral(
        self, info: Info, input: AttributeCampaignReferralInput
    ) -> AttributeCampaignReferralPayload:
        member = await info.context.require_member()
        attribution = ReferralAttribute.model_validate({"member_id": member.id, "code": input.code})
        read = await info.context.services.users.attribute_campaign_referral(member.community_id, attribution)
        return AttributeCampaignReferralPayload(referral=CampaignReferral.from_read(read))
