"""Coupons, the batch offers that issue them one per member, and who redeemed which coupon."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from billing_service.store.base import Doc, Session
from infra.indexes import IndexPlan

DUPLICATE_KEY = 11000


class CouponsStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.coupons = db["coupons"]
        self.offers = db["coupon_offers"]
        self.redemptions = db["coupon_redemptions"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # get_coupon / redeem_coupon: a code names one coupon in a community.
        indexes.add(
            self.coupons, [("community_id", ASCENDING), ("code", ASCENDING)], unique=True, name="community_code_unique"
        )
        # issue_for_members / list_offer_coupons: one coupon per member per offer, whoever issues it twice.
        indexes.add(
            self.coupons,
            [("community_id", ASCENDING), ("offer_key", ASCENDING), ("member_id", ASCENDING)],
            unique=True,
            partialFilterExpression={"offer_key": {"$exists": True}},
            name="community_offer_member_unique",
        )
        # get_offer / create_offer: an offer's key names its terms once.
        indexes.add(self.offers, [("community_id", ASCENDING), ("key", ASCENDING)], unique=True, name="community_key")
        # add_redemption / has_redeemed: a member redeems a coupon at most once.
        indexes.add(
            self.redemptions,
            [("community_id", ASCENDING), ("coupon_id", ASCENDING), ("member_id", ASCENDING)],
            unique=True,
            name="community_coupon_member_unique",
        )
        await indexes.create()

    async def create_coupon(self, community_id: ObjectId, fields: Doc) -> Doc:
        doc: Doc = {
            "community_id": community_id,
            **fields,
            "remaining": fields["max_redemptions"],
            "created_at": datetime.now(UTC),
        }
        doc["_id"] = (await self.coupons.insert_one(doc)).inserted_id
        return doc

    async def get_coupon(self, community_id: ObjectId, code: str) -> Doc | None:
        return await self.coupons.find_one({"community_id": community_id, "code": code})

    async def redeem_coupon(self, session: Session, coupon: Doc) -> bool:
        result = await self.coupons.update_one(
            {"_id": coupon["_id"], "community_id": coupon["community_id"], "remaining": {"$gt": 0}},
            {"$inc": {"remaining": -1}},
            session=session,
        )
        return result.modified_count == 1

    async def add_redemption(self, session: Session, doc: Doc) -> None:
        """Record that a member redeemed a coupon (unique per member and coupon: a second one raises)."""
        await self.redemptions.insert_one(doc, session=session)

    async def has_redeemed(self, community_id: ObjectId, coupon_id: ObjectId, member_id: ObjectId) -> bool:
        found = await self.redemptions.find_one(
            {"community_id": community_id, "coupon_id": coupon_id, "member_id": member_id}, {"_id": 1}
        )
        return found is not None

    # Batch offers

    async def get_offer(self, community_id: ObjectId, key: str) -> Doc | None:
        return await self.offers.find_one({"community_id": community_id, "key": key})

    async def create_offer(self, community_id: ObjectId, key: str, terms: Doc) -> Doc:
        """The offer's record, or the one already stored under this key (its terms may differ: the caller checks)."""
        await self.offers.update_one(
            {"community_id": community_id, "key": key},
            {"$setOnInsert": {"terms": terms, "created_at": datetime.now(UTC)}},
            upsert=True,
        )
        found = await self.get_offer(community_id, key)
        assert found is not None
        return found

    async def issue_for_members(self, docs: list[Doc]) -> list[Doc]:
        """Insert the members' coupons of an offer; a coupon a member already holds (another issue of the same
        offer got there first) stays as it is. Returns the coupons inserted now. Not in a transaction: a duplicate
        would abort it, and each insert stands alone."""
        if not docs:
            return []
        try:
            await self.coupons.insert_many(docs, ordered=False)
            return docs
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if any(e.get("code") != DUPLICATE_KEY for e in errors):
                raise
            failed = {e["index"] for e in errors}
            return [d for i, d in enumerate(docs) if i not in failed]

    async def offer_coupons_of(self, community_id: ObjectId, key: str, member_ids: list[ObjectId]) -> dict[str, Doc]:
        """The offer's coupons of these members, by member id."""
        cursor = self.coupons.find({"community_id": community_id, "offer_key": key, "member_id": {"$in": member_ids}})
        return {str(d["member_id"]): d async for d in cursor}
