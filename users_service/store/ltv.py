"""The `ltv_models` collection: trained versions with their evaluation and the fitted model.

Predictions live on member documents, written through `MembersStore.set_predictions`.
"""

from __future__ import annotations

from bson import Binary, ObjectId
from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

from infra.indexes import IndexPlan
from users_service.schemas.ltv import LtvModelRead
from users_service.store.base import Doc


class LtvStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.models = db["ltv_models"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # latest_version / list_models: a community's versions, newest first; a version number is used once.
        indexes.add(
            self.models,
            [("community_id", ASCENDING), ("version", DESCENDING)],
            unique=True,
            name="community_version_unique",
        )
        await indexes.create()

    async def latest_version(self, community_id: ObjectId) -> int:
        doc = await self.models.find_one({"community_id": community_id}, {"version": 1}, sort=[("version", -1)])
        return int(doc["version"]) if doc else 0

    async def insert_model(self, community_id: ObjectId, read: LtvModelRead, blob: bytes) -> None:
        doc = {"community_id": community_id, **read.model_dump(), "blob": Binary(blob)}
        await self.models.insert_one(doc)

    async def list_models(self, community_id: ObjectId, *, limit: int) -> list[LtvModelRead]:
        cursor = self.models.find({"community_id": community_id}, {"blob": 0}).sort("version", -1).limit(limit)
        return [LtvModelRead.model_validate(doc) async for doc in cursor]
