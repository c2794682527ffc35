"""Claiming a task's reward: verified from the records, granted at most once per (member, task), within budget.

A claim takes the (campaign, task, member) slot first (a unique index: concurrent replays find the twin's reward),
then the cost from the budget (one conditional update: the cap holds under any concurrency); a refusal frees the
slot. Cash is then booked in billing's ledger under a key derived from the slot, so a retry after any failure
books it once; points, prizes and certificates need no ledger. Cash is held for the campaign's holding period,
then released into the member's balance, and can be clawed back (fraud, refund) before or after.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from billing_service.schemas import RewardGrant, RewardMove
from infra.errors import BadInputError, ConflictError, NotFoundError
from infra.moments import as_utc
from users_service.domain.campaigns import (
    Fulfilment,
    RewardKind,
    RewardState,
    progress,
    reward_cost,
    reward_key,
)
from users_service.schemas.campaigns import (
    CampaignRewardRead,
    ReleaseResult,
    RewardClawback,
    RewardFulfilmentUpdate,
    TaskClaim,
)
from users_service.service.campaign_facts import CampaignFacts
from users_service.service.campaigns import CampaignsService, running
from users_service.service.members import MembersService
from users_service.service.upstreams import Upstreams
from users_service.store.base import Doc
from users_service.store.campaign_rewards import CampaignRewardsStore

RESERVE_LEASE = timedelta(seconds=30)  # a slot left RESERVING longer than this was left by a crash


class TaskNotFound(NotFoundError):
    """No task with this id in the campaign."""


class RewardNotFound(NotFoundError):
    """No campaign reward with this id in the community."""


class BudgetSpent(ConflictError):
    """The campaign's budget cannot pay this reward."""


class CampaignRewardsService:
    def __init__(
        self,
        store: CampaignRewardsStore,
        campaigns: CampaignsService,
        members: MembersService,
        facts: CampaignFacts,
        upstreams: Upstreams,
    ) -> None:
        self.store = store
        self.campaigns = campaigns
        self.members = members
        self.facts = facts
        self.upstreams = upstreams

    async def claim(self, cid: ObjectId, campaign_id: ObjectId, claim: TaskClaim) -> CampaignRewardRead:
        campaign = await self.campaigns.get_or_raise(cid, campaign_id)
        task = next((t for t in campaign["tasks"] if t["id"] == claim.task_id), None)
        if task is None:
            raise TaskNotFound(f"no task {claim.task_id} in this campaign", field="taskId")
        existing = await self.store.get(cid, campaign_id, task["id"], ObjectId(claim.member_id))
        if existing is not None:
            return reward_read(await self._settle(campaign, existing, stale_only=True))
        member_id = await self.campaigns.taker_or_raise(cid, campaign, ObjectId(claim.member_id))
        if not running(campaign, datetime.now(UTC)):
            raise BadInputError("the campaign is not running now", field="campaignId")
        done = progress(task["kind"], await self.facts.facts(cid, campaign, task, member_id))
        if done < task["count"]:
            raise BadInputError(f"the task is not done yet: the records show {done} of {task['count']}", field="taskId")
        spec = task["reward"]
        cost = reward_cost(RewardKind(spec["kind"]), spec["amount_cents"], spec["prize_cost_cents"])
        if cost > campaign["remaining_cents"]:
            # Already visibly spent: refuse without writing (the conditional update below is what decides).
            raise BudgetSpent("the campaign's budget cannot pay this reward", field="campaignId")
        try:
            doc = await self.store.insert(
                {
                    "community_id": cid,
                    "campaign_id": campaign_id,
                    "task_id": task["id"],
                    "member_id": member_id,
                    "kind": spec["kind"],
                    "points": spec["points"] if spec["kind"] == RewardKind.POINTS else 0,
                    "amount_cents": spec["amount_cents"] if spec["kind"] == RewardKind.CASH else 0,
                    "prize_name": spec.get("prize_name") if spec["kind"] == RewardKind.PRIZE else None,
                    "cost_cents": cost,
                    "fulfilment": Fulfilment.PENDING.value if spec["kind"] == RewardKind.PRIZE else None,
                    "state": RewardState.RESERVING.value,
                }
            )
        except DuplicateKeyError:
            twin = await self.store.get(cid, campaign_id, task["id"], member_id)
            if twin is None:
                raise ConflictError("a concurrent claim was refused; retry", field="taskId") from None
            return reward_read(await self._settle(campaign, twin, stale_only=True))
        return reward_read(await self._reserve(campaign, doc))

    async def _reserve(self, campaign: Doc, doc: Doc) -> Doc:
        """Take the reward's cost from the budget, or free the slot and refuse."""
        cost = doc["cost_cents"]
        if cost > 0 and not await self.campaigns.store.reserve_budget(campaign["_id"], cost):
            await self.store.delete_reserving(doc["_id"])
            raise BudgetSpent("the campaign's budget cannot pay this reward", field="campaignId")
        if not await self.store.move(doc["_id"], [RewardState.RESERVING], RewardState.PENDING, {}):
            if cost > 0:
                await self.campaigns.store.return_budget(campaign["_id"], cost)  # a takeover got there first
            return await self._settle(campaign, await self._fresh(doc))
        return await self._settle(campaign, {**doc, "state": RewardState.PENDING.value})

    async def _settle(self, campaign: Doc, doc: Doc, *, stale_only: bool = False) -> Doc:
        """Carry a reward as far as it can go now: book a pending cash reward (idempotent), grant the others.

        A replay (`stale_only`) leaves a reward its first claimer is still carrying alone, and takes over only one
        left for longer than the lease (its claimer failed or crashed): a storm of replays costs reads only."""
        state = RewardState(doc["state"])
        stale = datetime.now(UTC) - as_utc(doc.get("updated_at") or doc["granted_at"]) > RESERVE_LEASE
        if stale_only and not stale and state in (RewardState.RESERVING, RewardState.PENDING):
            return doc
        if state == RewardState.RESERVING:
            if stale:
                # Its claimer crashed between the slot and the budget: reserving again may count the cost twice
                # (the cap still holds), never pay more than the budget.
                return await self._reserve(campaign, doc)
            return doc
        if state != RewardState.PENDING:
            return doc
        if doc["kind"] != RewardKind.CASH:
            if await self.store.move(doc["_id"], [RewardState.PENDING], RewardState.RELEASED, {}):
                return {**doc, "state": RewardState.RELEASED.value}
            return await self._fresh(doc)
        cid = str(doc["community_id"])
        await self.upstreams.billing.grant_reward(
            cid,
            RewardGrant(
                key=self._key(doc),
                member_id=str(doc["member_id"]),
                amount_cents=doc["amount_cents"],
                reason=f"campaign {campaign['name']}"[:200],
                campaign_id=str(campaign["_id"]),
            ),
        )
        releasable = datetime.now(UTC) + timedelta(days=campaign["holding_days"])
        moved = await self.store.move(
            doc["_id"], [RewardState.PENDING], RewardState.HELD, {"releasable_at": releasable}
        )
        if moved:
            return {**doc, "state": RewardState.HELD.value, "releasable_at": releasable}
        fresh = await self._fresh(doc)
        if fresh["state"] == RewardState.CLAWED_BACK:
            await self.upstreams.billing.clawback_reward(cid, RewardMove(key=self._key(doc), reason="clawed back"))
        return fresh

    async def release_due(self, cid: ObjectId, campaign_id: ObjectId) -> ReleaseResult:
        """Book rewards left pending by a failure, then release every held reward whose holding period ended."""
        campaign = await self.campaigns.get_or_raise(cid, campaign_id)
        for doc in await self.store.list_for_campaign(cid, campaign_id):
            if doc["state"] in (RewardState.PENDING, RewardState.RESERVING):
                await self._settle(campaign, doc)
        released = 0
        for doc in await self.store.list_releasable(cid, campaign_id, datetime.now(UTC)):
            if doc["kind"] == RewardKind.CASH:
                booked = await self.upstreams.billing.release_reward(str(cid), RewardMove(key=self._key(doc)))
                if booked.state.value != RewardState.RELEASED:
                    continue
            if await self.store.move(doc["_id"], [RewardState.HELD], RewardState.RELEASED, {}):
                released += 1
        return ReleaseResult(released=released)

    async def release_all_due(self) -> int:
        """The periodic release: every campaign of every community with held cash past its holding period."""
        released = 0
        for cid, campaign_id in await self.store.list_due_campaigns(datetime.now(UTC)):
            released += (await self.release_due(cid, campaign_id)).released
        return released

    async def clawback(self, cid: ObjectId, reward_id: ObjectId, clawback: RewardClawback) -> CampaignRewardRead:
        doc = await self._get_or_raise(cid, reward_id)
        movable = [RewardState.PENDING, RewardState.HELD, RewardState.RELEASED]
        fields: Doc = {"clawback_reason": clawback.reason.value}
        if doc.get("fulfilment") == Fulfilment.PENDING:
            fields["fulfilment"] = Fulfilment.CANCELLED.value
        moved = await self.store.move(reward_id, movable, RewardState.CLAWED_BACK, fields)
        if doc["kind"] == RewardKind.CASH and (moved or doc["state"] == RewardState.CLAWED_BACK):
            try:
                move = RewardMove(key=self._key(doc), reason=clawback.reason.value)
                await self.upstreams.billing.clawback_reward(str(cid), move)
            except NotFoundError:
                pass  # never booked: nothing to reverse (a booking still in flight reverses itself in _settle)
        return reward_read(await self._fresh(doc))

    async def fulfil(self, cid: ObjectId, reward_id: ObjectId, update: RewardFulfilmentUpdate) -> CampaignRewardRead:
        doc = await self._get_or_raise(cid, reward_id)
        if doc["kind"] != RewardKind.PRIZE:
            raise BadInputError("only a PRIZE reward has a fulfilment", field="rewardId")
        if doc["state"] == RewardState.CLAWED_BACK:
            raise BadInputError("this reward was clawed back", field="rewardId")
        await self.store.set_fields(reward_id, {"fulfilment": update.status.value, "fulfilment_note": update.note})
        return reward_read(await self._fresh(doc))

    async def list_for_member(
        self, cid: ObjectId, member_id: ObjectId, campaign_id: ObjectId | None, *, limit: int
    ) -> list[CampaignRewardRead]:
        return [reward_read(d) for d in await self.store.list_for_member(cid, member_id, campaign_id, limit=limit)]

    async def get(self, cid: ObjectId, reward_id: ObjectId) -> CampaignRewardRead:
        return reward_read(await self._get_or_raise(cid, reward_id))

    async def _get_or_raise(self, cid: ObjectId, reward_id: ObjectId) -> Doc:
        doc = await self.store.get_by_id(cid, reward_id)
        if doc is None:
            raise RewardNotFound(f"no campaign reward with id {reward_id} in this community", field="rewardId")
        return doc

    async def _fresh(self, doc: Doc) -> Doc:
        fresh = await self.store.get_by_id(doc["community_id"], doc["_id"])
        assert fresh is not None
        return fresh

    @staticmethod
    def _key(doc: Doc) -> str:
        return reward_key(str(doc["campaign_id"]), doc["task_id"], str(doc["member_id"]))


def reward_read(doc: Doc) -> CampaignRewardRead:
    return CampaignRewardRead.model_validate(
        {
            "id": str(doc["_id"]),
            "campaign_id": str(doc["campaign_id"]),
            "task_id": doc["task_id"],
            "member_id": str(doc["member_id"]),
            "kind": doc["kind"],
            "state": doc["state"],
            "points": doc["points"],
            "amount_cents": doc["amount_cents"],
            "prize_name": doc.get("prize_name"),
            "fulfilment": doc.get("fulfilment"),
            "fulfilment_note": doc.get("fulfilment_note"),
            "granted_at": as_utc(doc["granted_at"]),
            "releasable_at": as_utc(doc["releasable_at"]) if doc.get("releasable_at") else None,
            "clawback_reason": doc.get("clawback_reason"),
        }
    )
