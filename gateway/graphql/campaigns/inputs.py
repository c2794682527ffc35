"""Inputs and payloads of the campaign mutations."""

from __future__ import annotations

from datetime import datetime

import strawberry

from gateway.graphql.arguments import COMMUNITY_ARG
from gateway.graphql.campaigns.enums import CampaignRewardKind, ClawbackReason, PrizeFulfilment, TaskKind
from gateway.graphql.campaigns.types import Campaign, CampaignParticipation, CampaignReferral, CampaignReward
from gateway.graphql.users.enums import Perk


@strawberry.input(description="What completing a task earns.")
class CampaignRewardInput:
    kind: CampaignRewardKind
    points: int = strawberry.field(default=0, description="For POINTS: how many (> 0).")
    amount_cents: int = strawberry.field(default=0, description="For CASH: the red packet, minor units (> 0).")
    prize_name: str | None = strawberry.field(default=None, description="For PRIZE: what is sent.")
    prize_cost_cents: int = strawberry.field(default=0, description="For PRIZE: what one takes from the budget.")


@strawberry.input(description="One task of a new campaign.")
class CampaignTaskInput:
    kind: TaskKind
    title: str = strawberry.field(description="What the member is asked to do, 1-200 characters.")
    count: int = strawberry.field(default=1, description="How many times (or streak days), 1-1000.")
    tag: str | None = strawberry.field(default=None, description="Required for PUBLISH_WITH_TAG.")
    reward: CampaignRewardInput


@strawberry.input(description="A campaign: theme, window, budget and 1-20 tasks.")
class CreateCampaignInput:
    community_id: strawberry.ID | None = strawberry.field(default=None, description=COMMUNITY_ARG)
    name: str = strawberry.field(description="1-200 characters.")
    theme: str = strawberry.field(description="1-200 characters.")
    starts_at: datetime = strawberry.field(description="Start of the window.")
    ends_at: datetime = strawberry.field(description="End of the window, after its start.")
    budget_cents: int = strawberry.field(description="What rewards may cost in all, minor units.")
    holding_days: int = strawberry.field(default=7, description="Days cash is held before release, 0-365.")
    tasks: list[CampaignTaskInput]
    perk: Perk | None = strawberry.field(
        default=None,
        description="Reserve the campaign for members whose RFM layer's treatment grants this perk: GROWTH_PATH "
        "makes it the growth path's tasks (the ACTIVATED layer by default). Omitted: everyone.",
    )


@strawberry.type(description="The campaign created.")
class CreateCampaignPayload:
    campaign: Campaign


@strawberry.input(description="A check-in now by the calling member.")
class CheckInCampaignInput:
    campaign_id: strawberry.ID
    timezone: str | None = strawberry.field(
        default=None, description="The IANA zone the member is in now (travel); the community's when omitted."
    )


@strawberry.type(description="The member's participation after the check-in.")
class CheckInCampaignPayload:
    participation: CampaignParticipation


@strawberry.input(description="Claim a task's reward: granted only when the records show the task done.")
class ClaimCampaignTaskInput:
    campaign_id: strawberry.ID
    task_id: strawberry.ID


@strawberry.type(description="The reward: the same one on every retry.")
class ClaimCampaignTaskPayload:
    reward: CampaignReward


@strawberry.input(description="Release the campaign's held cash rewards whose holding period ended.")
class ReleaseCampaignRewardsInput:
    community_id: strawberry.ID | None = strawberry.field(default=None, description=COMMUNITY_ARG)
    campaign_id: strawberry.ID


@strawberry.type(description="How many rewards this call released.")
class ReleaseCampaignRewardsPayload:
    released: int


@strawberry.input(description="Take a reward back.")
class ClawbackCampaignRewardInput:
    community_id: strawberry.ID | None = strawberry.field(default=None, description=COMMUNITY_ARG)
    reward_id: strawberry.ID
    reason: ClawbackReason


@strawberry.type(description="The reward, clawed back.")
class ClawbackCampaignRewardPayload:
    reward: CampaignReward


@strawberry.input(description="Move a prize's delivery on.")
class UpdatePrizeFulfilmentInput:
    community_id: strawberry.ID | None = strawberry.field(default=None, description=COMMUNITY_ARG)
    reward_id: strawberry.ID
    status: PrizeFulfilment
    note: str | None = strawberry.field(default=None, description="E.g. a tracking number, up to 500 characters.")


@strawberry.type(description="The prize reward with its new fulfilment.")
class UpdatePrizeFulfilmentPayload:
    reward: CampaignReward


@strawberry.input(description="The calling member, new to the community, names the referral code they came by.")
class AttributeCampaignReferralInput:
    code: str


@strawberry.type(description="The attribution, kept once per member.")
class AttributeCampaignReferralPayload:
    referral: CampaignReferral
