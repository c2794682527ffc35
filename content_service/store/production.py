"""Production's MongoDB module: community content settings, lifecycle writes, revisions, audit, mix counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from content_service.domain.kinds import ContentStatus

Doc = dict[str, Any]


class ProductionStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.db = db
        self.content = db["content"]
        self.settings = db["content_settings"]
        self.revisions = db["revisions"]
        self.audit = db["audit"]

    async def ensure_indexes(self) -> None:
        # list_revisions: a piece's revisions in order; the unique number keeps concurrent edits apart.
        await self.revisions.create_index(
            [("community_id", ASCENDING), ("content_id", ASCENDING), ("number", ASCENDING)],
            name="community_content_number",
            unique=True,
        )
        # list_audit: newest entries of a community, optionally about one target.
        await self.audit.create_index([("community_id", ASCENDING), ("at", DESCENDING)], name="community_at")
        await self.audit.create_index(
            [("community_id", ASCENDING), ("target_id", ASCENDING), ("at", DESCENDING)], name="community_target_at"
        )
        # count_published_by_kind: published pieces of a community in a window.
        await self.content.create_index(
            [("community_id", ASCENDING), ("published_at", ASCENDING)], name="community_published_at"
        )
        # list_due_scheduled: scheduled pieces whose time has come.
        await self.content.create_index(
            [("community_id", ASCENDING), ("status", ASCENDING), ("publish_at", ASCENDING)],
            name="community_status_publish_at",
        )

    async def get_settings(self, community_id: ObjectId) -> Doc:
        return await self.settings.find_one({"_id": community_id}) or {}

    async def update_settings(self, community_id: ObjectId, changes: Doc, *, session: Any = None) -> None:
        await self.settings.update_one({"_id": community_id}, {"$set": changes}, upsert=True, session=session)

    async def get_content_doc(self, community_id: ObjectId, content_id: ObjectId, *, session: Any = None) -> Doc | None:
        return await self.content.find_one({"_id": content_id, "community_id": community_id}, session=session)

    async def set_status(
        self, community_id: ObjectId, content_id: ObjectId, *, expected: str, changes: Doc, session: Any = None
    ) -> Doc | None:
        """Compare-and-set on the status, so that two concurrent transitions cannot both apply."""
        return await self.content.find_one_and_update(
            {"_id": content_id, "community_id": community_id, "status": expected},
            {"$set": changes},
            return_document=ReturnDocument.AFTER,
            session=session,
        )

    async def apply_edit(
        self, community_id: ObjectId, content_id: ObjectId, changes: Doc, *, session: Any = None
    ) -> Doc | None:
        return await self.content.find_one_and_update(
            {"_id": content_id, "community_id": community_id},
            {"$set": changes, "$inc": {"revision": 1}},
            return_document=ReturnDocument.BEFORE,
            session=session,
        )

    async def add_revision(self, doc: Doc, *, session: Any = None) -> None:
        await self.revisions.insert_one(doc, session=session)

    async def list_revisions(self, community_id: ObjectId, content_id: ObjectId, *, limit: int) -> list[Doc]:
        cursor = (
            self.revisions.find({"community_id": community_id, "content_id": content_id}).sort("number", 1).limit(limit)
        )
        return [d async for d in cursor]

    async def list_audit(self, community_id: ObjectId, *, target_id: str | None, limit: int) -> list[Doc]:
        query: Doc = {"community_id": community_id}
        if target_id:
            query["target_id"] = target_id
        cursor = self.audit.find(query).sort("at", DESCENDING).limit(limit)
        return [d async for d in cursor]

    async def count_published_by_kind(self, community_id: ObjectId, since: datetime, until: datetime) -> dict[str, int]:
        """Pieces published in the window and still live (archived ones count: they were published)."""
        pipeline: list[Doc] = [
            {"$match": {"community_id": community_id, "published_at": {"$gte": since, "$lte": until}}},
            {"$match": {"status": {"$in": [ContentStatus.PUBLISHED.value, ContentStatus.ARCHIVED.value]}}},
            {"$group": {"_id": "$kind", "n": {"$sum": 1}}},
        ]
        cursor = await self.content.aggregate(pipeline)
        return {str(d["_id"]): int(d["n"]) async for d in cursor}

    async def list_due_scheduled(self, community_id: ObjectId, now: datetime) -> list[Doc]:
        cursor = self.content.find(
            {"community_id": community_id, "status": ContentStatus.SCHEDULED.value, "publish_at": {"$lte": now}}
        ).limit(500)
        return [d async for d in cursor]
