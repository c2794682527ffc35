"""Public enums of campaigns: users_service's own enums under their GraphQL names."""

from __future__ import annotations

import strawberry

from users_service.schemas import CampaignRewardState, CampaignStep, CheckInOutcome, ClawbackReason, TaskKind
from users_service.schemas import Fulfilment as PrizeFulfilment
from users_service.schemas import RewardKind as CampaignRewardKind

strawberry.enum(CampaignStep, name="CampaignStep", description="A step of the path check-in → tasks → share.")
strawberry.enum(TaskKind, name="CampaignTaskKind", description="The rule a task is verified by, from the records.")
strawberry.enum(CampaignRewardKind, name="CampaignRewardKind", description="What completing a task earns.")
strawberry.enum(CampaignRewardState, name="CampaignRewardState", description="Where a granted reward stands.")
strawberry.enum(PrizeFulfilment, name="PrizeFulfilment", description="Where a physical prize stands.")
strawberry.enum(ClawbackReason, name="ClawbackReason", description="Why a reward is taken back.")
strawberry.enum(CheckInOutcome, name="CheckInOutcome", description="What a check-in did to the streak.")

__all__ = [
    "CampaignRewardKind",
    "CampaignRewardState",
    "CampaignStep",
    "CheckInOutcome",
    "ClawbackReason",
    "PrizeFulfilment",
    "TaskKind",
]
