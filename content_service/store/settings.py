"""Per-community content settings: one document per community, only what an operator changed."""

from __future__ import annotations

from bson import ObjectId
from pymongo.asynchronous.database import AsyncDatabase

from content_service.store.base import Doc, Session


class SettingsStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.settings = db["content_settings"]

    async def ensure_indexes(self) -> None:
        """Keyed by `_id` (the community id): no other index."""

    async def get(self, community_id: ObjectId) -> Doc:
        return await self.settings.find_one({"_id": community_id}) or {}

    async def update(self, community_id: ObjectId, changes: Doc, *, session: Session | None = None) -> None:
        await self.settings.update_one({"_id": community_id}, {"$set": changes}, upsert=True, session=session)
