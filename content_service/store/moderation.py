"""Moderation: complaints (about content, members or the service) and the record of every hide."""

from __future__ import annotations

from datetime import datetime

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from content_service.store.base import Doc, Session
from infra.indexes import IndexPlan


class ModerationStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.complaints = db["complaints"]
        self.hides = db["hides"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # list_queue: a community's complaints by status, oldest first (the moderation queue).
        indexes.add(
            self.complaints,
            [("community_id", ASCENDING), ("status", ASCENDING), ("created_at", ASCENDING)],
            name="community_status_created",
        )
        # list_open_flags: the open complaints about one piece, for the auto-hide sum.
        indexes.add(
            self.complaints,
            [("community_id", ASCENDING), ("target_id", ASCENDING), ("status", ASCENDING)],
            name="community_target_status",
        )
        # count_recent_complaints_by: the per-member rate limit.
        indexes.add(
            self.complaints,
            [("community_id", ASCENDING), ("member_id", ASCENDING), ("created_at", ASCENDING)],
            name="community_member_created",
        )
        # get_hide: the latest hide record of a piece.
        indexes.add(
            self.hides,
            [("community_id", ASCENDING), ("content_id", ASCENDING), ("hidden_at", DESCENDING)],
            name="community_content_hidden",
        )
        # count_complainers_since: the crisis detector's sliding hourly window.
        indexes.add(self.complaints, [("community_id", ASCENDING), ("created_at", ASCENDING)], name="community_created")
        # count_hidden_between (health figures): a community's hides over a time window.
        indexes.add(self.hides, [("community_id", ASCENDING), ("hidden_at", ASCENDING)], name="community_hidden")
        await indexes.create()

    async def complaints_by_hour(self, community_id: ObjectId, since: datetime, until: datetime) -> list[int]:
        """Complaints filed in the window, counted per UTC clock hour (index community_created)."""
        hour = {"$dateToString": {"format": "%Y-%m-%dT%H", "date": "$created_at"}}
        pipeline: list[Doc] = [
            {"$match": {"community_id": community_id, "created_at": {"$gte": since, "$lt": until}}},
            {"$group": {"_id": hour, "n": {"$sum": 1}}},
        ]
        return [int(d["n"]) async for d in await self.complaints.aggregate(pipeline)]

    async def count_hidden_between(self, community_id: ObjectId, since: datetime, until: datetime) -> int:
        """Distinct pieces hidden in the window (a piece hidden twice counts once)."""
        pipeline: list[Doc] = [
            {"$match": {"community_id": community_id, "hidden_at": {"$gte": since, "$lt": until}}},
            {"$group": {"_id": "$content_id"}},
            {"$group": {"_id": None, "n": {"$sum": 1}}},
        ]
        rows = [d async for d in await self.hides.aggregate(pipeline)]
        return int(rows[0]["n"]) if rows else 0

    async def insert_complaint(self, doc: Doc) -> Doc:
        result = await self.complaints.insert_one(doc)
        doc["_id"] = result.inserted_id
        return doc

    async def count_recent_complaints_by(self, community_id: ObjectId, member_id: ObjectId, since: datetime) -> int:
        return await self.complaints.count_documents(
            {"community_id": community_id, "member_id": member_id, "created_at": {"$gte": since}}
        )

    async def get_complaint(self, community_id: ObjectId, complaint_id: ObjectId) -> Doc | None:
        return await self.complaints.find_one({"_id": complaint_id, "community_id": community_id})

    async def list_queue(self, community_id: ObjectId, *, status: str | None, limit: int) -> list[Doc]:
        query: Doc = {"community_id": community_id}
        if status:
            query["status"] = status
        cursor = self.complaints.find(query).sort("created_at", ASCENDING).limit(limit)
        return [d async for d in cursor]

    async def list_open_flags(self, community_id: ObjectId, target_id: str) -> list[Doc]:
        cursor = self.complaints.find(
            {"community_id": community_id, "target_id": target_id, "status": "OPEN", "target_type": "CONTENT"}
        ).sort("created_at", ASCENDING)
        return [d async for d in cursor]

    async def resolve_complaint(
        self, community_id: ObjectId, complaint_id: ObjectId, changes: Doc, *, session: Session | None = None
    ) -> Doc | None:
        return await self.complaints.find_one_and_update(
            {"_id": complaint_id, "community_id": community_id, "status": "OPEN"},
            {"$set": changes},
            return_document=ReturnDocument.AFTER,
            session=session,
        )

    async def has_upheld(self, community_id: ObjectId, target_id: str, *, session: Session | None = None) -> bool:
        """Whether a moderator upheld a complaint about the target (index community_target_status)."""
        doc = await self.complaints.find_one(
            {"community_id": community_id, "target_id": target_id, "status": "UPHELD"}, {"_id": 1}, session=session
        )
        return doc is not None

    async def set_content_hidden(self, community_id: ObjectId, complaint_id: ObjectId) -> None:
        """Record that this complaint is the one that took its content past the auto-hide threshold."""
        await self.complaints.update_one(
            {"_id": complaint_id, "community_id": community_id}, {"$set": {"content_hidden": True}}
        )

    async def set_incident(self, community_id: ObjectId, complaint_id: ObjectId, incident_id: str) -> None:
        await self.complaints.update_one(
            {"_id": complaint_id, "community_id": community_id}, {"$set": {"incident_id": incident_id}}
        )

    async def insert_hide(self, doc: Doc, *, session: Session) -> None:
        await self.hides.insert_one(doc, session=session)

    async def get_hide(self, community_id: ObjectId, content_id: ObjectId, *, auto_only: bool = False) -> Doc | None:
        """The latest hide record of a piece (`auto_only`: the latest auto-hide, not a moderator's)."""
        query: Doc = {"community_id": community_id, "content_id": content_id}
        if auto_only:
            query["source"] = {"$ne": "MODERATOR"}
        return await self.hides.find_one(query, sort=[("hidden_at", DESCENDING)])

    async def mark_hide_restored(
        self, community_id: ObjectId, content_id: ObjectId, at: datetime, *, session: Session
    ) -> None:
        await self.hides.update_many(
            {"community_id": community_id, "content_id": content_id, "restored_at": None},
            {"$set": {"restored_at": at}},
            session=session,
        )

    async def count_complainers_since(self, community_id: ObjectId, since: datetime) -> int:
        """Distinct members who filed a complaint in the window: one member filing many counts once."""
        cursor = await self.complaints.aggregate(
            [
                {"$match": {"community_id": community_id, "created_at": {"$gt": since}}},
                {"$group": {"_id": "$member_id"}},
                {"$count": "n"},
            ]
        )
        docs = [d async for d in cursor]
        return int(docs[0]["n"]) if docs else 0

    async def upheld_targets(self, community_id: ObjectId, target_ids: list[str]) -> set[str]:
        """The targets among `target_ids` about which a moderator upheld a complaint."""
        cursor = self.complaints.find(
            {"community_id": community_id, "target_id": {"$in": target_ids}, "status": "UPHELD"}, {"target_id": 1}
        )
        return {d["target_id"] async for d in cursor}
