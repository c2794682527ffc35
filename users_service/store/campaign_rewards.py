"""`campaign_rewards`: one document per (campaign, task, member), unique, so a reward is granted at most once."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

from infra.indexes import IndexPlan
from users_service.domain.campaigns import RewardState
from users_service.store.base import Doc


class CampaignRewardsStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.rewards = db["campaign_rewards"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # insert / get: at most one reward per member and task, whatever the retries.
        indexes.add(
            self.rewards,
            [("community_id", ASCENDING), ("campaign_id", ASCENDING), ("task_id", ASCENDING), ("member_id", ASCENDING)],
            unique=True,
            name="community_campaign_task_member_unique",
        )
        # list_for_member: a member's rewards, newest first.
        indexes.add(
            self.rewards,
            [("community_id", ASCENDING), ("member_id", ASCENDING), ("granted_at", DESCENDING)],
            name="community_member_granted",
        )
        # list_for_campaign / list_releasable: a campaign's rewards by state.
        indexes.add(
            self.rewards,
            [("community_id", ASCENDING), ("campaign_id", ASCENDING), ("state", ASCENDING)],
            name="community_campaign_state",
        )
        # list_due_campaigns (the periodic release): held rewards by the end of their holding period.
        indexes.add(self.rewards, [("state", ASCENDING), ("releasable_at", ASCENDING)], name="state_releasable")
        await indexes.create()

    async def insert(self, doc: Doc) -> Doc:
        """Take the (campaign, task, member) slot (DuplicateKeyError when a twin took it)."""
        doc = {**doc, "granted_at": datetime.now(UTC)}
        doc["_id"] = (await self.rewards.insert_one(doc)).inserted_id
        return doc

    async def get(self, community_id: ObjectId, campaign_id: ObjectId, task_id: str, member_id: ObjectId) -> Doc | None:
        return await self.rewards.find_one(
            {"community_id": community_id, "campaign_id": campaign_id, "task_id": task_id, "member_id": member_id}
        )

    async def get_by_id(self, community_id: ObjectId, reward_id: ObjectId) -> Doc | None:
        doc = await self.rewards.find_one({"_id": reward_id})
        return doc if doc is not None and doc["community_id"] == community_id else None

    async def delete_reserving(self, reward_id: ObjectId) -> None:
        await self.rewards.delete_one({"_id": reward_id, "state": RewardState.RESERVING.value})

    async def move(self, reward_id: ObjectId, states: list[RewardState], to: RewardState, fields: Doc) -> bool:
        """Move from one of `states` to `to` (a conditional update: concurrent moves happen once)."""
        result = await self.rewards.update_one(
            {"_id": reward_id, "state": {"$in": [s.value for s in states]}},
            {"$set": {"state": to.value, **fields, "updated_at": datetime.now(UTC)}},
        )
        return result.modified_count == 1

    async def set_fields(self, reward_id: ObjectId, fields: Doc) -> None:
        await self.rewards.update_one({"_id": reward_id}, {"$set": {**fields, "updated_at": datetime.now(UTC)}})

    async def list_for_member(
        self, community_id: ObjectId, member_id: ObjectId, campaign_id: ObjectId | None, *, limit: int
    ) -> list[Doc]:
        query: Doc = {"community_id": community_id, "member_id": member_id}
        cursor = self.rewards.find(query).sort("granted_at", DESCENDING)
        found = [doc async for doc in cursor]
        return [d for d in found if campaign_id is None or d["campaign_id"] == campaign_id][:limit]

    async def list_for_campaign(self, community_id: ObjectId, campaign_id: ObjectId) -> list[Doc]:
        return [doc async for doc in self.rewards.find({"community_id": community_id, "campaign_id": campaign_id})]

    async def list_releasable(self, community_id: ObjectId, campaign_id: ObjectId, now: datetime) -> list[Doc]:
        cursor = self.rewards.find(
            {"community_id": community_id, "campaign_id": campaign_id, "state": RewardState.HELD.value}
        )
        return [doc async for doc in cursor if doc.get("releasable_at") is None or doc["releasable_at"] <= now]

    async def list_due_campaigns(self, now: datetime) -> list[tuple[ObjectId, ObjectId]]:
        """(community, campaign) of every campaign holding cash whose holding period ended, across communities."""
        cursor = self.rewards.find(
            {"state": RewardState.HELD.value, "releasable_at": {"$lte": now}}, {"community_id": 1, "campaign_id": 1}
        )
        return sorted({(doc["community_id"], doc["campaign_id"]) async for doc in cursor})
