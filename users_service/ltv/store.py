"""LTV's MongoDB access: model versions (with the fitted model) and predictions on member documents."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import Binary, ObjectId
from pymongo import ASCENDING, DESCENDING, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase

from users_service.ltv.schemas import LtvModelRead

Doc = dict[str, Any]


class LtvStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.members = db["members"]
        self.models = db["ltv_models"]

    async def ensure_indexes(self) -> None:
        # latest_version / list_models: a community's versions, newest first; a version number is used once.
        await self.models.create_index(
            [("community_id", ASCENDING), ("version", DESCENDING)], unique=True, name="community_version_unique"
        )

    async def list_member_joins(self, community_id: ObjectId) -> list[tuple[ObjectId, datetime, int | None]]:
        """(id, joined_at, current prediction) of every member. Served by community_handle_unique."""
        cursor = self.members.find({"community_id": community_id}, {"joined_at": 1, "ltv_cents": 1}, batch_size=10_000)
        return [(doc["_id"], doc["joined_at"], doc.get("ltv_cents")) async for doc in cursor]

    async def latest_version(self, community_id: ObjectId) -> int:
        doc = await self.models.find_one({"community_id": community_id}, {"version": 1}, sort=[("version", -1)])
        return int(doc["version"]) if doc else 0

    async def insert_model(self, community_id: ObjectId, read: LtvModelRead, blob: bytes) -> None:
        doc = {"community_id": community_id, **read.model_dump(), "blob": Binary(blob)}
        await self.models.insert_one(doc)

    async def list_models(self, community_id: ObjectId, *, limit: int) -> list[LtvModelRead]:
        cursor = self.models.find({"community_id": community_id}, {"blob": 0}).sort("version", -1).limit(limit)
        return [LtvModelRead.model_validate(doc) async for doc in cursor]

    async def set_predictions(self, community_id: ObjectId, values: dict[ObjectId, int]) -> None:
        items = list(values.items())
        for start in range(0, len(items), 5000):
            batch = [
                UpdateOne(
                    {"_id": member_id, "community_id": community_id},
                    {"$set": {"ltv_cents": cents}},
                )
                for member_id, cents in items[start : start + 5000]
            ]
            await self.members.bulk_write(batch, ordered=False)
