"""A campaign's report: participants, completion per step and task, share rate, rewards, GMV, cost per member."""

from __future__ import annotations

from bson import ObjectId

from infra.moments import as_utc
from users_service.domain.campaigns import STEP_OF, RewardKind, RewardState, Step, TaskKind, rate
from users_service.schemas.campaigns import CampaignReport, StepCompletion, TaskCompletion
from users_service.service.campaigns import CampaignsService
from users_service.service.members import MembersService
from users_service.service.upstreams import Upstreams
from users_service.store.campaign_rewards import CampaignRewardsStore

LOOKUP_BATCH = 500
GRANTED = {RewardState.PENDING, RewardState.HELD, RewardState.RELEASED, RewardState.CLAWED_BACK}


class CampaignReportService:
    def __init__(
        self,
        rewards: CampaignRewardsStore,
        campaigns: CampaignsService,
        members: MembersService,
        upstreams: Upstreams,
    ) -> None:
        self.rewards = rewards
        self.campaigns = campaigns
        self.members = members
        self.upstreams = upstreams

    async def report(self, cid: ObjectId, campaign_id: ObjectId) -> CampaignReport:
        campaign = await self.campaigns.get_or_raise(cid, campaign_id)
        rewards = [r for r in await self.rewards.list_for_campaign(cid, campaign_id) if r["state"] in GRANTED]
        # Participants: members who checked in or were rewarded for any task.
        checked_in = await self.campaigns.store.list_participants(cid, campaign_id)
        participants = sorted({*checked_in, *(r["member_id"] for r in rewards)})
        n = len(participants)
        kind_of = {t["id"]: TaskKind(t["kind"]) for t in campaign["tasks"]}
        tasks = [
            TaskCompletion(
                task_id=t["id"],
                kind=t["kind"],
                completed=(done := sum(1 for r in rewards if r["task_id"] == t["id"])),
                rate=rate(done, n),
            )
            for t in campaign["tasks"]
        ]
        by_step: dict[Step, set[ObjectId]] = {step: set() for step in Step}
        for r in rewards:
            by_step[STEP_OF[kind_of[r["task_id"]]]].add(r["member_id"])
        steps = [StepCompletion(step=s, members=len(m), rate=rate(len(m), n)) for s, m in by_step.items()]

        def cash(state: RewardState) -> int:
            return sum(r["amount_cents"] for r in rewards if r["kind"] == RewardKind.CASH and r["state"] == state)

        def granted(kind: RewardKind) -> list[dict[str, object]]:
            return [r for r in rewards if r["kind"] == kind and r["state"] != RewardState.CLAWED_BACK]

        since = as_utc(campaign["starts_at"])
        paid = await self.upstreams.billing.revenue_by_member(str(cid), since=since) if participants else {}
        wanted = {str(m) for m in participants}
        acquired = 0
        ids = sorted(wanted)
        for start in range(0, len(ids), LOOKUP_BATCH):
            for member in await self.members.lookup(cid, ids[start : start + LOOKUP_BATCH]):
                if member is not None and since <= as_utc(member.joined_at) < as_utc(campaign["ends_at"]):
                    acquired += 1
        spent = campaign["spent_cents"]
        return CampaignReport(
            campaign_id=str(campaign_id),
            participants=n,
            steps=steps,
            tasks=tasks,
            share_rate=rate(len(by_step[Step.SHARE]), n),
            spent_cents=spent,
            cash_held_cents=cash(RewardState.HELD) + cash(RewardState.PENDING),
            cash_released_cents=cash(RewardState.RELEASED),
            cash_clawed_back_cents=cash(RewardState.CLAWED_BACK),
            points_granted=sum(int(str(r["points"])) for r in granted(RewardKind.POINTS)),
            prizes_granted=len(granted(RewardKind.PRIZE)),
            certificates_granted=len(granted(RewardKind.CERTIFICATE)),
            gmv_cents=sum(v for k, v in paid.items() if k in wanted),
            acquired_members=acquired,
            cost_per_acquired_member_cents=spent // acquired if acquired else None,
        )
