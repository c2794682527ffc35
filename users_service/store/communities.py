"""The `communities` collection: tenants, found by id or slug, and their partner sub-communities."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from infra.errors import ConflictError
from infra.indexes import IndexPlan
from users_service.schemas.communities import CommunityRead
from users_service.store.base import Doc


def _community(doc: Doc) -> CommunityRead:
    return CommunityRead(
        id=str(doc["_id"]),
        slug=doc["slug"],
        name=doc["name"],
        timezone=doc["timezone"],
        parent_id=str(doc["parent_id"]) if doc.get("parent_id") else None,
        created_at=doc["created_at"],
    )


class CommunitiesStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.communities = db["communities"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # get_by_slug; a slug names one community platform-wide.
        indexes.add(self.communities, [("slug", ASCENDING)], unique=True, name="slug_unique")
        # count_sub_communities: partner sub-communities of a parent.
        indexes.add(self.communities, [("parent_id", ASCENDING)], name="parent")
        await indexes.create()

    async def create(self, *, slug: str, name: str, timezone: str, parent_id: ObjectId | None) -> CommunityRead:
        doc: Doc = {
            "slug": slug,
            "name": name,
            "timezone": timezone,
            "parent_id": parent_id,
            "created_at": datetime.now(UTC),
        }
        try:
            result = await self.communities.insert_one(doc)
        except DuplicateKeyError as exc:
            raise ConflictError(f"a community with slug {slug!r} already exists", field="slug") from exc
        doc["_id"] = result.inserted_id
        return _community(doc)

    async def get(self, community_id: ObjectId) -> CommunityRead | None:
        doc = await self.communities.find_one({"_id": community_id})
        return _community(doc) if doc else None

    async def get_by_slug(self, slug: str) -> CommunityRead | None:
        doc = await self.communities.find_one({"slug": slug})
        return _community(doc) if doc else None

    async def mark_imported(self, community_id: ObjectId, at: datetime) -> None:
        """Record that members were imported at `at` (the latest import wins)."""
        await self.communities.update_one({"_id": community_id}, {"$max": {"imported_at": at}})

    async def get_imported_at(self, community_id: ObjectId) -> datetime | None:
        """When members were last imported into the community; None when it never had an import."""
        doc = await self.communities.find_one({"_id": community_id}, {"imported_at": 1})
        return doc.get("imported_at") if doc else None

    async def count_sub_communities(self, community_id: ObjectId) -> int:
        return await self.communities.count_documents({"parent_id": community_id})

    async def list_ids(self) -> list[ObjectId]:
        """Every community's id (the daily health snapshot walks them): the one unscoped read here."""
        return [doc["_id"] async for doc in self.communities.find({}, {"_id": 1}).sort("_id", ASCENDING)]

    async def list_children(self, parent_id: ObjectId) -> list[CommunityRead]:
        """A parent's sub-communities, oldest first (index `parent`)."""
        cursor = self.communities.find({"parent_id": parent_id}).sort("created_at", ASCENDING)
        return [_community(doc) async for doc in cursor]

    async def incubated_at(self, community_id: ObjectId) -> datetime | None:
        doc = await self.communities.find_one({"_id": community_id}, {"incubated_at": 1})
        return doc.get("incubated_at") if doc else None

    async def mark_incubated(self, community_id: ObjectId, at: datetime) -> datetime:
        """Record the first moment the incubation checklist was seen complete; an earlier record wins."""
        await self.communities.update_one({"_id": community_id}, {"$min": {"incubated_at": at}})
        return await self.incubated_at(community_id) or at
