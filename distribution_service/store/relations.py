"""A member's feed relations: the authors they follow and the authors they block."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.client_session import AsyncClientSession as Session
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from distribution_service.store.base import Doc
from infra.indexes import IndexPlan

FOLLOWS = "follows"
BLOCKS = "blocks"


# The caller's transaction, or None.
InSession = Session | None


class RelationsStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.collections: dict[str, AsyncCollection[Doc]] = {FOLLOWS: db[FOLLOWS], BLOCKS: db[BLOCKS]}

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        for collection in self.collections.values():
            # insert_relation: one relation per (member, author), whatever concurrent requests do. get_relation,
            # delete_relation, list_relations (sorted after: SecantusDB picks this index over one ending in
            # created_at) and list_relations_by_members (`$in` on member) all read on it.
            indexes.add(
                collection,
                [("community_id", ASCENDING), ("member_id", ASCENDING), ("author_id", ASCENDING)],
                unique=True,
                name="community_member_author_unique",
            )
        await indexes.create()

    def _relation(self, kind: str) -> AsyncCollection[Doc]:
        return self.collections[kind]

    async def insert_relation(
        self, kind: str, community_id: ObjectId, member_id: ObjectId, author_id: ObjectId, session: InSession = None
    ) -> bool:
        """Record the relation unless it exists; True when it is new. An upsert, so that inside a transaction an
        existing relation is no error (a duplicate-key error would abort the transaction)."""
        key = {"community_id": community_id, "member_id": member_id, "author_id": author_id}
        try:
            result = await self._relation(kind).update_one(
                key, {"$setOnInsert": {"created_at": datetime.now(UTC)}}, upsert=True, session=session
            )
        except DuplicateKeyError:
            return False  # a concurrent insert of the same relation, outside a transaction
        return result.upserted_id is not None

    async def delete_relation(
        self, kind: str, community_id: ObjectId, member_id: ObjectId, author_id: ObjectId, session: InSession = None
    ) -> bool:
        """True when there was one to delete."""
        result = await self._relation(kind).delete_one(
            {"community_id": community_id, "member_id": member_id, "author_id": author_id}, session=session
        )
        return result.deleted_count == 1

    async def get_relation(self, kind: str, community_id: ObjectId, member_id: ObjectId, author_id: ObjectId) -> bool:
        found = await self._relation(kind).find_one(
            {"community_id": community_id, "member_id": member_id, "author_id": author_id}, {"_id": 1}
        )
        return found is not None

    async def list_relations(self, kind: str, community_id: ObjectId, member_id: ObjectId, *, limit: int) -> list[str]:
        """The authors of a member's relations of this kind, newest first."""
        cursor = (
            self._relation(kind)
            .find({"community_id": community_id, "member_id": member_id}, {"author_id": 1})
            .sort([("created_at", DESCENDING), ("_id", DESCENDING)])
            .limit(limit)
        )
        return [str(doc["author_id"]) async for doc in cursor]

    async def list_relations_by_members(
        self, kind: str, community_id: ObjectId, member_ids: list[ObjectId], session: Session | None = None
    ) -> dict[str, set[str]]:
        """Member id → the authors of their relations of this kind (members without any are absent)."""
        cursor = self._relation(kind).find(
            {"community_id": community_id, "member_id": {"$in": member_ids}},
            {"member_id": 1, "author_id": 1},
            session=session,
        )
        out: dict[str, set[str]] = {}
        async for doc in cursor:
            out.setdefault(str(doc["member_id"]), set()).add(str(doc["author_id"]))
        return out

    async def list_members_with_relations(self) -> list[tuple[ObjectId, ObjectId]]:
        """Every (community, member) with a follow or a block: the mirror's one-off backfill reads them."""
        found: set[tuple[ObjectId, ObjectId]] = set()
        for collection in self.collections.values():
            async for doc in collection.find({}, {"community_id": 1, "member_id": 1}):
                found.add((doc["community_id"], doc["member_id"]))
        return sorted(found)
