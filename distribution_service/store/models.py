"""The model registry: versions (text in GridFS), each community's active/shadow pointer, and the log of every
promotion and rollback (who, when, from, to, and why when the gate was overridden)."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId
from gridfs import AsyncGridFSBucket
from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from distribution_service.store.base import Doc
from infra.indexes import IndexPlan


class ModelsStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.model_versions = db["model_versions"]
        self.model_pointers = db["model_pointers"]
        self.model_files = AsyncGridFSBucket(db, bucket_name="models")
        self.model_promotions = db["model_promotions"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # get_model_version / list_model_versions: one registry per community.
        indexes.add(
            self.model_versions,
            [("community_id", ASCENDING), ("version", ASCENDING)],
            unique=True,
            name="community_version_unique",
        )
        # get_model_pointer / set_model_pointer: one pointer per community.
        indexes.add(self.model_pointers, [("community_id", ASCENDING)], unique=True, name="community_unique")
        # list_model_promotions: a community's promotions and rollbacks, newest first.
        indexes.add(self.model_promotions, [("community_id", ASCENDING), ("at", DESCENDING)], name="community_at")
        await indexes.create()

    async def insert_model_version(self, doc: Doc, model_text: str) -> bool:
        """Store a trained model (text in GridFS) and its record; False if this version is already registered."""
        if await self.get_model_version(doc["community_id"], doc["version"]) is not None:
            return False
        file_id = await self.model_files.upload_from_stream(
            f"{doc['community_id']}/{doc['version']}.txt", model_text.encode(), metadata={"version": doc["version"]}
        )
        try:
            await self.model_versions.insert_one({**doc, "file_id": file_id})
        except DuplicateKeyError:
            await self.model_files.delete(file_id)
            return False
        return True

    async def get_model_version(self, community_id: ObjectId, version: str) -> Doc | None:
        return await self.model_versions.find_one({"community_id": community_id, "version": version})

    async def list_model_versions(self, community_id: ObjectId) -> list[Doc]:
        cursor = self.model_versions.find({"community_id": community_id}, projection={"report": 0}).sort(
            "created_at", ASCENDING
        )
        return [doc async for doc in cursor]

    async def get_model_text(self, file_id: ObjectId) -> str:
        stream = await self.model_files.open_download_stream(file_id)
        data: bytes = await stream.read()
        return data.decode()

    async def get_model_pointer(self, community_id: ObjectId) -> Doc | None:
        return await self.model_pointers.find_one({"community_id": community_id})

    async def set_model_pointer(self, community_id: ObjectId, fields: Doc, *, push_history: str | None = None) -> Doc:
        update: Doc = {"$set": {**fields, "updated_at": datetime.now(UTC)}}
        if push_history is not None:
            update["$push"] = {"history": push_history}
        await self.model_pointers.update_one({"community_id": community_id}, update, upsert=True)
        pointer = await self.get_model_pointer(community_id)
        assert pointer is not None
        return pointer

    async def pop_model_history(self, community_id: ObjectId) -> Doc | None:
        """Drop the last entry of the active-model history (rollback); the pointer as it is after."""
        await self.model_pointers.update_one({"community_id": community_id}, {"$pop": {"history": 1}})
        return await self.get_model_pointer(community_id)

    async def insert_model_promotion(self, doc: Doc) -> None:
        """One promotion or rollback, kept for good: the pointer says what is active, this says how it came to be."""
        await self.model_promotions.insert_one(doc)

    async def list_model_promotions(self, community_id: ObjectId, limit: int = 100) -> list[Doc]:
        cursor = self.model_promotions.find({"community_id": community_id}).sort("at", DESCENDING).limit(limit)
        return [doc async for doc in cursor]
