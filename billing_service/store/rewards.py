"""Campaign cash rewards (`member_rewards`): one document per reward key, its state moved by conditional updates."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId
from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from billing_service.domain.rewards import RewardState
from billing_service.store.base import Doc, Session
from infra.indexes import IndexPlan


class RewardsStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.rewards = db["member_rewards"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # insert / get / move: one reward per key in a community (a replay can never grant twice).
        indexes.add(
            self.rewards, [("community_id", ASCENDING), ("key", ASCENDING)], unique=True, name="community_key_unique"
        )
        # sums_by_state: one member's rewards.
        indexes.add(self.rewards, [("community_id", ASCENDING), ("member_id", ASCENDING)], name="community_member")
        await indexes.create()

    async def insert(self, session: Session, doc: Doc) -> Doc:
        """Insert a new reward (DuplicateKeyError when its key is taken)."""
        doc = {**doc, "created_at": datetime.now(UTC)}
        doc["_id"] = (await self.rewards.insert_one(doc, session=session)).inserted_id
        return doc

    async def get(self, community_id: ObjectId, key: str, session: Session | None = None) -> Doc | None:
        return await self.rewards.find_one({"community_id": community_id, "key": key}, session=session)

    async def move(
        self,
        session: Session,
        community_id: ObjectId,
        key: str,
        states: list[RewardState],
        to: RewardState,
        fields: Doc,
    ) -> Doc | None:
        """Move the reward from one of `states` to `to`; the document as it was, or None when it was elsewhere."""
        found: Doc | None = await self.rewards.find_one_and_update(
            {"community_id": community_id, "key": key, "state": {"$in": [s.value for s in states]}},
            {"$set": {"state": to.value, **fields, "updated_at": datetime.now(UTC)}},
            return_document=ReturnDocument.BEFORE,
            session=session,
        )
        return found

    async def sums_by_state(self, community_id: ObjectId, member_id: ObjectId) -> dict[str, int]:
        """State → total amount of the member's rewards in it."""
        pipeline: list[Doc] = [
            {"$match": {"community_id": community_id, "member_id": member_id}},
            {"$group": {"_id": "$state", "total": {"$sum": "$amount_cents"}}},
        ]
        return {row["_id"]: int(row["total"]) async for row in await self.rewards.aggregate(pipeline)}
