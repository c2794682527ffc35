"""Plans, subscriptions and dunning notifications (coupons: store/coupons.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from billing_service.store.base import Doc, Session, in_community
from infra.indexes import IndexPlan
from infra.mail_handoff import MailHandoff, pending_mail


class SubscriptionsStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.plans = db["plans"]
        self.subscriptions = db["subscriptions"]
        self.notifications = db["notifications"]
        # Each notice is also mailed to its member: the notice is the outbox (infra.mail_handoff).
        self.notification_mail = MailHandoff(self.notifications)

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # list_plans: a community's plans in creation order.
        indexes.add(self.plans, [("community_id", ASCENDING), ("created_at", ASCENDING)], name="community_created")
        # create / get_live: at most one live subscription per member.
        indexes.add(
            self.subscriptions,
            [("community_id", ASCENDING), ("member_id", ASCENDING)],
            unique=True,
            partialFilterExpression={"live": True},
            name="community_member_live_unique",
        )
        # get_live / list_live: SecantusDB plans no lookup on the partial index, so a plain one serves them
        # (`live` equality before member: list_live's `$in` is then the last field it pins).
        indexes.add(
            self.subscriptions,
            [("community_id", ASCENDING), ("live", ASCENDING), ("member_id", ASCENDING)],
            name="community_live_member",
        )
        # list_for_operator: a community's subscriptions by status, newest first.
        indexes.add(
            self.subscriptions,
            [("community_id", ASCENDING), ("status", ASCENDING), ("created_at", DESCENDING)],
            name="community_status",
        )
        # list_due: the scheduler's sweep over every community (the one cross-community read).
        indexes.add(self.subscriptions, [("live", ASCENDING), ("due_at", ASCENDING)], name="live_due")
        # list_notifications: a community's notices, newest first; one per (subscription, kind, period).
        indexes.add(
            self.notifications, [("community_id", ASCENDING), ("created_at", DESCENDING)], name="community_created"
        )
        indexes.add(
            self.notifications,
            [("community_id", ASCENDING), ("dedupe", ASCENDING)],
            unique=True,
            name="community_dedupe_unique",
        )
        self.notification_mail.add_indexes(indexes)
        await indexes.create()

    # Plans

    async def create_plan(self, community_id: ObjectId, fields: Doc) -> Doc:
        doc: Doc = {"community_id": community_id, **fields, "created_at": datetime.now(UTC)}
        doc["_id"] = (await self.plans.insert_one(doc)).inserted_id
        return doc

    async def get_plan(self, community_id: ObjectId, plan_id: ObjectId, session: Session | None = None) -> Doc | None:
        # By `_id` alone (SecantusDB's point lookup; `_id` plus another field scans); the community checked here.
        return in_community(await self.plans.find_one({"_id": plan_id}, session=session), community_id)

    async def list_plans(self, community_id: ObjectId, *, limit: int) -> list[Doc]:
        cursor = self.plans.find({"community_id": community_id}).sort("created_at", ASCENDING).limit(limit)
        return [doc async for doc in cursor]

    async def plans_by_id(self, community_id: ObjectId, plan_ids: list[ObjectId]) -> dict[ObjectId, Doc]:
        cursor = self.plans.find({"_id": {"$in": plan_ids}})
        return {p["_id"]: p async for p in cursor if p.get("community_id") == community_id}

    # Subscriptions

    async def create(self, session: Session, doc: Doc) -> Doc:
        doc = {**doc, "created_at": datetime.now(UTC)}
        doc["_id"] = (await self.subscriptions.insert_one(doc, session=session)).inserted_id
        return doc

    async def get(self, community_id: ObjectId, sub_id: ObjectId, session: Session | None = None) -> Doc | None:
        return in_community(await self.subscriptions.find_one({"_id": sub_id}, session=session), community_id)

    async def get_many(self, community_id: ObjectId, sub_ids: list[ObjectId]) -> dict[ObjectId, Doc]:
        """The community's subscriptions among `sub_ids`, by id (one indexed read for a list's links)."""
        cursor = self.subscriptions.find({"_id": {"$in": sub_ids}, "community_id": community_id})
        return {doc["_id"]: doc async for doc in cursor}

    async def get_live(self, community_id: ObjectId, member_id: ObjectId) -> Doc | None:
        return await self.subscriptions.find_one({"community_id": community_id, "live": True, "member_id": member_id})

    async def list_live(self, community_id: ObjectId, member_ids: list[ObjectId]) -> list[Doc]:
        cursor = self.subscriptions.find({"community_id": community_id, "live": True, "member_id": {"$in": member_ids}})
        return [doc async for doc in cursor]

    async def list_for_operator(self, community_id: ObjectId, statuses: list[str], limit: int) -> list[Doc]:
        cursor = (
            self.subscriptions.find({"community_id": community_id, "status": {"$in": statuses}})
            .sort("created_at", DESCENDING)
            .limit(limit)
        )
        return [doc async for doc in cursor]

    async def list_all(self, community_id: ObjectId) -> list[Doc]:
        """Every subscription of a community, for the revenue report's churn and conversion counts."""
        # The community prefix rides an index; "has a status" is tested here (`$exists` puts it off the index).
        cursor = self.subscriptions.find(
            {"community_id": community_id},
            {"member_id": 1, "status": 1, "created_at": 1, "ended_at": 1, "trial_end": 1, "converted_at": 1},
        )
        return [doc async for doc in cursor if "status" in doc]

    async def update(
        self, session: Session | None, sub: Doc, expect: Doc, changes: Doc, unset: list[str] | None = None
    ) -> Doc | None:
        """Apply `changes` if the subscription still matches `expect` (optimistic: no lost updates)."""
        update: Doc = {"$set": {**changes, "updated_at": datetime.now(UTC)}}
        if unset:
            update["$unset"] = {name: "" for name in unset}
        result: Doc | None = await self.subscriptions.find_one_and_update(
            {"_id": sub["_id"], "community_id": sub["community_id"], **expect},
            update,
            session=session,
            return_document=ReturnDocument.AFTER,
        )
        return result

    async def list_due(self, now: datetime, limit: int) -> list[Doc]:
        cursor = self.subscriptions.find({"live": True, "due_at": {"$lte": now}}).sort("due_at", ASCENDING)
        return [doc async for doc in cursor.limit(limit)]

    # Notifications

    async def notify(self, session: Session | None, community_id: ObjectId, doc: Doc) -> None:
        """Store a notice once per `dedupe`, due to be mailed to its member (in the caller's transaction)."""
        now = datetime.now(UTC)
        fields = {**doc, "community_id": community_id, "created_at": now, "mail": pending_mail(now)}
        await self.notifications.update_one(
            {"community_id": community_id, "dedupe": doc["dedupe"]},
            {"$setOnInsert": fields},
            upsert=True,
            session=session,
        )

    async def list_notifications(self, community_id: ObjectId, limit: int) -> list[Doc]:
        cursor = self.notifications.find({"community_id": community_id}).sort("created_at", DESCENDING).limit(limit)
        return [doc async for doc in cursor]
