"""Topic co-creation: topics and the contributions members make to them."""

from __future__ import annotations

from bson import ObjectId
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from content_service.store.base import Doc, Session, in_community
from infra.indexes import IndexPlan


class TopicsStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.topics = db["topics"]
        self.contributions = db["contributions"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # list_contributions: a topic's contributions.
        indexes.add(
            self.contributions,
            [("community_id", ASCENDING), ("topic_id", ASCENDING), ("created_at", ASCENDING)],
            name="community_topic_created",
        )
        await indexes.create()

    async def insert_topic(self, doc: Doc) -> Doc:
        result = await self.topics.insert_one(doc)
        return {**doc, "_id": result.inserted_id}

    async def get_topic(self, community_id: ObjectId, topic_id: ObjectId) -> Doc | None:
        return in_community(await self.topics.find_one({"_id": topic_id}), community_id)

    async def close_topic(
        self, community_id: ObjectId, topic_id: ObjectId, content_id: ObjectId, *, session: Session
    ) -> Doc | None:
        """OPEN → MERGED into `content_id`, once: None when it was merged already."""
        return await self.topics.find_one_and_update(
            {"_id": topic_id, "community_id": community_id, "status": "OPEN"},
            {"$set": {"status": "MERGED", "content_id": content_id}},
            session=session,
        )

    async def insert_contribution(self, doc: Doc) -> Doc:
        result = await self.contributions.insert_one(doc)
        return {**doc, "_id": result.inserted_id}

    async def get_contribution(self, community_id: ObjectId, contribution_id: ObjectId) -> Doc | None:
        return in_community(await self.contributions.find_one({"_id": contribution_id}), community_id)

    async def list_contributions(self, community_id: ObjectId, topic_id: ObjectId, *, limit: int) -> list[Doc]:
        query = {"community_id": community_id, "topic_id": topic_id}
        cursor = self.contributions.find(query).sort("created_at", ASCENDING).limit(limit)
        return [d async for d in cursor]

    async def get_contributions(self, community_id: ObjectId, topic_id: ObjectId, ids: list[ObjectId]) -> list[Doc]:
        query = {"community_id": community_id, "topic_id": topic_id, "_id": {"$in": ids}}
        return [d async for d in self.contributions.find(query)]
