"""Lifecycle stage's MongoDB reads: a community's age and its sub-communities."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

Doc = dict[str, Any]


class StageStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.communities = db["communities"]
        self.members = db["members"]

    async def ensure_indexes(self) -> None:
        # count_sub_communities: partner sub-communities of a parent.
        await self.communities.create_index([("parent_id", ASCENDING)], name="parent")
        # earliest_join: the first member of a community (imported histories start before the platform did).
        await self.members.create_index(
            [("community_id", ASCENDING), ("joined_at", ASCENDING)], name="community_joined"
        )

    async def count_sub_communities(self, community_id: ObjectId) -> int:
        return await self.communities.count_documents({"parent_id": community_id})

    async def earliest_join(self, community_id: ObjectId) -> datetime | None:
        doc = await self.members.find_one({"community_id": community_id}, {"joined_at": 1}, sort=[("joined_at", 1)])
        return doc["joined_at"] if doc else None
