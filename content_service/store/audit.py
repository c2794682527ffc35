"""The audit log: who did what to which target, written beside the change it records."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

from content_service.store.base import Doc, Session
from infra.indexes import IndexPlan


class AuditStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.audit = db["audit"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # list_entries: newest entries of a community, optionally about one target.
        indexes.add(self.audit, [("community_id", ASCENDING), ("at", DESCENDING)], name="community_at")
        indexes.add(
            self.audit,
            [("community_id", ASCENDING), ("target_id", ASCENDING), ("at", DESCENDING)],
            name="community_target_at",
        )
        await indexes.create()

    async def add(
        self,
        *,
        community_id: ObjectId,
        actor_id: str | None,
        action: str,
        target_type: str,
        target_id: str,
        detail: Doc | None = None,
        session: Session | None = None,
    ) -> None:
        """One entry; inside the caller's transaction when `session` is given."""
        entry = {
            "community_id": community_id,
            "at": datetime.now(UTC),
            "actor_id": actor_id,
            "action": action,
            "target_type": target_type,
            "target_id": target_id,
            "detail": detail or {},
        }
        await self.audit.insert_one(entry, session=session)

    async def list_entries(self, community_id: ObjectId, *, target_id: str | None, limit: int) -> list[Doc]:
        query: Doc = {"community_id": community_id}
        if target_id:
            query["target_id"] = target_id
        cursor = self.audit.find(query).sort("at", DESCENDING).limit(limit)
        return [d async for d in cursor]
