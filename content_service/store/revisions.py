"""Revisions: the previous version of a piece, kept on every edit."""

from __future__ import annotations

from bson import ObjectId
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from content_service.store.base import Doc, Session
from infra.indexes import IndexPlan


class RevisionsStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.revisions = db["revisions"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # list_for_piece: a piece's revisions in order; the unique number keeps concurrent edits apart.
        indexes.add(
            self.revisions,
            [("community_id", ASCENDING), ("content_id", ASCENDING), ("number", ASCENDING)],
            name="community_content_number",
            unique=True,
        )
        await indexes.create()

    async def add(self, doc: Doc, *, session: Session | None = None) -> None:
        await self.revisions.insert_one(doc, session=session)

    async def list_for_piece(self, community_id: ObjectId, content_id: ObjectId, *, limit: int) -> list[Doc]:
        query = {"community_id": community_id, "content_id": content_id}
        cursor = self.revisions.find(query).sort("number", ASCENDING).limit(limit)
        return [d async for d in cursor]
