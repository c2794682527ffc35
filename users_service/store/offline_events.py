"""Offline events' collections: `offline_events` and `offline_attendance` (registration and on-site check-in)."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from infra.indexes import IndexPlan
from users_service.store.base import Doc


class OfflineEventsStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.events = db["offline_events"]
        self.attendance = db["offline_attendance"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # list_for_campaign: a campaign's events in time order.
        indexes.add(
            self.events,
            [("community_id", ASCENDING), ("campaign_id", ASCENDING), ("starts_at", ASCENDING)],
            name="community_campaign_at",
        )
        # register / check_in / list_attendance: one registration per member and event.
        indexes.add(
            self.attendance,
            [("community_id", ASCENDING), ("event_id", ASCENDING), ("member_id", ASCENDING)],
            unique=True,
            name="community_event_member_unique",
        )
        # count_attended: a member's on-site check-ins across events.
        indexes.add(self.attendance, [("community_id", ASCENDING), ("member_id", ASCENDING)], name="community_member")
        await indexes.create()

    async def create(self, community_id: ObjectId, fields: Doc) -> Doc:
        doc: Doc = {"community_id": community_id, **fields, "created_at": datetime.now(UTC)}
        doc["_id"] = (await self.events.insert_one(doc)).inserted_id
        return doc

    async def get(self, community_id: ObjectId, event_id: ObjectId) -> Doc | None:
        doc = await self.events.find_one({"_id": event_id})
        return doc if doc is not None and doc["community_id"] == community_id else None

    async def list_for_campaign(self, community_id: ObjectId, campaign_id: ObjectId) -> list[Doc]:
        cursor = self.events.find({"community_id": community_id, "campaign_id": campaign_id}).sort("starts_at", 1)
        return [doc async for doc in cursor]

    async def register(self, community_id: ObjectId, event_id: ObjectId, member_id: ObjectId) -> Doc:
        """The member's registration; registering again answers the first one."""
        key: Doc = {"community_id": community_id, "event_id": event_id, "member_id": member_id}
        try:
            await self.attendance.insert_one({**key, "registered_at": datetime.now(UTC), "checked_in_at": None})
        except DuplicateKeyError:
            pass
        found = await self.attendance.find_one(key)
        assert found is not None
        return found

    async def check_in(self, community_id: ObjectId, event_id: ObjectId, member_id: ObjectId) -> Doc | None:
        """Mark the registration attended (the first scan's time is kept); None when not registered."""
        key: Doc = {"community_id": community_id, "event_id": event_id, "member_id": member_id}
        await self.attendance.update_one({**key, "checked_in_at": None}, {"$set": {"checked_in_at": datetime.now(UTC)}})
        return await self.attendance.find_one(key)

    async def list_attendance(self, community_id: ObjectId, event_id: ObjectId) -> list[Doc]:
        return [doc async for doc in self.attendance.find({"community_id": community_id, "event_id": event_id})]

    async def count_attended(self, community_id: ObjectId, member_id: ObjectId, event_ids: list[ObjectId]) -> int:
        cursor = self.attendance.find({"community_id": community_id, "member_id": member_id})
        wanted = set(event_ids)
        return len([doc async for doc in cursor if doc["event_id"] in wanted and doc.get("checked_in_at")])
