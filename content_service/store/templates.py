"""Templates: the library (latest version per key), every version, and how often each community used each."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId
from pymongo import ASCENDING, InsertOne, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from content_service.domain.starters import STARTERS
from content_service.schemas.templates import TemplateSpec
from content_service.store.base import Doc, Session
from infra.errors import ConflictError
from infra.indexes import IndexPlan

BULK_KEYS = 100


class TemplatesStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.templates = db["templates"]
        self.versions = db["template_versions"]
        self.usage = db["template_usage"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # get_by_keys / list_for_community: a community's library (community_id None: platform starters).
        indexes.add(
            self.templates, [("community_id", ASCENDING), ("key", ASCENDING)], name="community_key", unique=True
        )
        # count_use / usage_counts: how often each community used a template (platform starters included).
        indexes.add(
            self.usage,
            [("community_id", ASCENDING), ("template_id", ASCENDING)],
            name="community_template",
            unique=True,
        )
        # get_version: one version of a template.
        indexes.add(
            self.versions, [("template_id", ASCENDING), ("version", ASCENDING)], name="template_version", unique=True
        )
        await indexes.create()
        await self._seed_starters()

    async def _seed_starters(self) -> None:
        now = datetime.now(UTC)
        for raw in STARTERS:
            spec = TemplateSpec.model_validate(raw)
            body = spec.model_dump(mode="json")
            existing = await self.templates.find_one({"community_id": None, "key": spec.key})
            if existing is not None:
                continue
            oid = ObjectId()
            await self.templates.update_one(
                {"community_id": None, "key": spec.key},
                {"$setOnInsert": {"_id": oid, "version": 1, "spec": body, "usage_count": 0, "updated_at": now}},
                upsert=True,
            )
            doc = await self.templates.find_one({"community_id": None, "key": spec.key})
            if doc is not None and doc["_id"] == oid:
                await self.versions.insert_one({"template_id": oid, "version": 1, "spec": body, "created_at": now})

    async def list_for_community(self, community_id: ObjectId, limit: int) -> list[Doc]:
        cursor = self.templates.find({"community_id": {"$in": [community_id, None]}}).sort("key", 1).limit(limit)
        return [d async for d in cursor]

    async def list_community_only(self, community_id: ObjectId) -> list[Doc]:
        cursor = self.templates.find({"community_id": community_id}).sort("key", 1)
        return [d async for d in cursor]

    async def get(self, community_id: ObjectId, template_id: ObjectId) -> Doc | None:
        return await self.templates.find_one({"_id": template_id, "community_id": {"$in": [community_id, None]}})

    async def get_by_keys(self, community_id: ObjectId, keys: list[str]) -> dict[str, Doc]:
        if len(keys) > BULK_KEYS:
            # A bulk import: one range scan of the community's library beats thousands of $in seeks.
            wanted = set(keys)
            return {
                d["key"]: d async for d in self.templates.find({"community_id": community_id}) if d["key"] in wanted
            }
        cursor = self.templates.find({"community_id": community_id, "key": {"$in": keys}})
        return {d["key"]: d async for d in cursor}

    async def get_version(self, community_id: ObjectId, template_id: ObjectId, version: int) -> Doc | None:
        """One version of a template of this community or of the platform (community_id None)."""
        return await self.versions.find_one(
            {"template_id": template_id, "version": version, "community_id": {"$in": [community_id, None]}}
        )

    async def write_library(
        self, template_ops: list[UpdateOne | InsertOne], version_docs: list[Doc], *, session: Session | None
    ) -> None:
        """Write in the caller's transaction; a concurrent writer (duplicate key, or a version that moved on
        since it was read) raises ConflictError, which aborts the transaction."""
        updates = sum(isinstance(op, UpdateOne) for op in template_ops)
        try:
            if template_ops:
                result = await self.templates.bulk_write(template_ops, ordered=False, session=session)
                if result.matched_count < updates:
                    raise ConflictError("the library changed meanwhile; read it again", field="templates")
            if version_docs:
                await self.versions.insert_many(version_docs, ordered=False, session=session)
        except (DuplicateKeyError, BulkWriteError) as exc:
            if isinstance(exc, BulkWriteError) and any(e.get("code") != 11000 for e in exc.details["writeErrors"]):
                raise
            raise ConflictError("the library changed meanwhile; read it again", field="templates") from exc

    async def count_use(self, community_id: ObjectId, template_id: ObjectId) -> None:
        await self.usage.update_one(
            {"community_id": community_id, "template_id": template_id}, {"$inc": {"count": 1}}, upsert=True
        )

    async def usage_counts(self, community_id: ObjectId, template_ids: list[ObjectId]) -> dict[ObjectId, int]:
        cursor = self.usage.find({"community_id": community_id, "template_id": {"$in": template_ids}})
        return {d["template_id"]: int(d["count"]) async for d in cursor}
