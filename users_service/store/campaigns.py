"""Campaigns' collections: `campaigns` (with their budget counters), `campaign_participants` (check-in streaks)
and `campaign_referrals` (who brought whom)."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from infra.errors import ConflictError
from infra.indexes import IndexPlan
from users_service.store.base import Doc


class CampaignsStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.campaigns = db["campaigns"]
        self.participants = db["campaign_participants"]
        self.referrals = db["campaign_referrals"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # list: a community's campaigns, newest first.
        indexes.add(self.campaigns, [("community_id", ASCENDING), ("starts_at", DESCENDING)], name="community_at")
        # get_participant / save_participant / list_participants: one record per member and campaign.
        indexes.add(
            self.participants,
            [("community_id", ASCENDING), ("campaign_id", ASCENDING), ("member_id", ASCENDING)],
            unique=True,
            name="community_campaign_member_unique",
        )
        # attribute: a member is attributed to one referrer, once.
        indexes.add(
            self.referrals, [("community_id", ASCENDING), ("member_id", ASCENDING)], unique=True, name="member_unique"
        )
        # count_referrals / list_referrals: a campaign's referrals by referrer.
        indexes.add(
            self.referrals,
            [("community_id", ASCENDING), ("campaign_id", ASCENDING), ("referrer_id", ASCENDING)],
            name="community_campaign_referrer",
        )
        await indexes.create()

    # Campaigns

    async def create(self, community_id: ObjectId, fields: Doc) -> Doc:
        doc: Doc = {"community_id": community_id, **fields, "created_at": datetime.now(UTC)}
        doc["_id"] = (await self.campaigns.insert_one(doc)).inserted_id
        return doc

    async def get(self, community_id: ObjectId, campaign_id: ObjectId) -> Doc | None:
        # By `_id` alone (a point lookup on SecantusDB); the community is checked on the document.
        doc = await self.campaigns.find_one({"_id": campaign_id})
        return doc if doc is not None and doc["community_id"] == community_id else None

    async def get_many(self, community_id: ObjectId, campaign_ids: list[ObjectId]) -> dict[ObjectId, Doc]:
        """The community's campaigns among `campaign_ids`, by id (one read for a list's links)."""
        cursor = self.campaigns.find({"_id": {"$in": campaign_ids}, "community_id": community_id})
        return {doc["_id"]: doc async for doc in cursor}

    async def list_campaigns(self, community_id: ObjectId, *, limit: int) -> list[Doc]:
        cursor = self.campaigns.find({"community_id": community_id}).sort("starts_at", DESCENDING).limit(limit)
        return [doc async for doc in cursor]

    async def reserve_budget(self, campaign_id: ObjectId, cost: int) -> bool:
        """Take `cost` from the remaining budget if it is there: one atomic conditional update, so concurrent
        claims can never spend more than the budget."""
        result = await self.campaigns.update_one(
            {"_id": campaign_id, "remaining_cents": {"$gte": cost}},
            {"$inc": {"remaining_cents": -cost, "spent_cents": cost}},
        )
        return result.modified_count == 1

    async def return_budget(self, campaign_id: ObjectId, cost: int) -> None:
        await self.campaigns.update_one({"_id": campaign_id}, {"$inc": {"remaining_cents": cost, "spent_cents": -cost}})

    # Participants

    async def get_participant(self, community_id: ObjectId, campaign_id: ObjectId, member_id: ObjectId) -> Doc | None:
        return await self.participants.find_one(
            {"community_id": community_id, "campaign_id": campaign_id, "member_id": member_id}
        )

    async def save_participant(
        self, community_id: ObjectId, campaign_id: ObjectId, member_id: ObjectId, expected_check_ins: int, fields: Doc
    ) -> bool:
        """Write the member's streak if nobody else checked them in meanwhile (optimistic: `check_ins` is the
        version); False when a concurrent check-in won, and the caller reads again."""
        key: Doc = {"community_id": community_id, "campaign_id": campaign_id, "member_id": member_id}
        if expected_check_ins == 0:
            try:
                await self.participants.insert_one({**key, **fields, "joined_at": datetime.now(UTC)})
            except DuplicateKeyError:
                return False
            return True
        result = await self.participants.update_one({**key, "check_ins": expected_check_ins}, {"$set": fields})
        return result.modified_count == 1

    async def list_participants(self, community_id: ObjectId, campaign_id: ObjectId) -> list[ObjectId]:
        cursor = self.participants.find({"community_id": community_id, "campaign_id": campaign_id}, {"member_id": 1})
        return [doc["member_id"] async for doc in cursor]

    # Referrals

    async def attribute(
        self, community_id: ObjectId, campaign_id: ObjectId, referrer: ObjectId, member: ObjectId
    ) -> Doc:
        doc: Doc = {
            "community_id": community_id,
            "campaign_id": campaign_id,
            "referrer_id": referrer,
            "member_id": member,
            "attributed_at": datetime.now(UTC),
        }
        try:
            await self.referrals.insert_one(doc)
        except DuplicateKeyError as exc:
            raise ConflictError("this member is already attributed to a referrer", field="memberId") from exc
        return doc

    async def count_referrals(self, community_id: ObjectId, campaign_id: ObjectId, referrer: ObjectId) -> int:
        return await self.referrals.count_documents(
            {"community_id": community_id, "campaign_id": campaign_id, "referrer_id": referrer}
        )
