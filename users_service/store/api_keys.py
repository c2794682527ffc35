"""The `api_keys` collection: partner keys, stored by the hash of their secret, never the secret."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from infra.indexes import IndexPlan
from users_service.domain.api_keys import Scope, is_stale
from users_service.schemas.api_keys import ApiKeyRead
from users_service.store.base import Doc


def _key(doc: Doc, now: datetime | None = None) -> ApiKeyRead:
    created_at, last_used_at = doc["created_at"], doc.get("last_used_at")
    return ApiKeyRead(
        id=str(doc["_id"]),
        community_id=str(doc["community_id"]),
        name=doc["name"],
        scopes=[Scope(s) for s in doc["scopes"]],
        prefix=doc["prefix"],
        created_by=str(doc["created_by"]) if doc.get("created_by") else None,
        created_at=created_at,
        expires_at=doc.get("expires_at"),
        last_used_at=last_used_at,
        revoked_at=doc.get("revoked_at"),
        stale=is_stale(created_at, last_used_at, now or datetime.now(UTC)),
    )


class ApiKeysStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.keys = db["api_keys"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # get_by_hash: every partner request (cached by the gateway) finds its key by the secret's hash.
        indexes.add(self.keys, [("secret_hash", ASCENDING)], unique=True, name="secret_hash_unique")
        # list_for_community: a community's keys, newest first.
        indexes.add(self.keys, [("community_id", ASCENDING), ("created_at", DESCENDING)], name="community_at")
        await indexes.create()

    async def create(
        self,
        community_id: ObjectId,
        *,
        name: str,
        scopes: list[Scope],
        expires_at: datetime | None,
        secret_hash: str,
        prefix: str,
        created_by: ObjectId | None,
    ) -> ApiKeyRead:
        doc: Doc = {
            "community_id": community_id,
            "name": name,
            "scopes": [s.value for s in scopes],
            "expires_at": expires_at,
            "secret_hash": secret_hash,
            "prefix": prefix,
            "created_by": created_by,
            "created_at": datetime.now(UTC),
            "last_used_at": None,
            "revoked_at": None,
        }
        doc["_id"] = (await self.keys.insert_one(doc)).inserted_id
        return _key(doc)

    async def list_for_community(self, community_id: ObjectId, *, limit: int) -> list[ApiKeyRead]:
        cursor = self.keys.find({"community_id": community_id}).sort("created_at", DESCENDING).limit(limit)
        now = datetime.now(UTC)
        return [_key(doc, now) async for doc in cursor]

    async def revoke(self, community_id: ObjectId, key_id: ObjectId) -> ApiKeyRead | None:
        """Marks the key revoked (the first revocation's time stays); None when the community has no such key."""
        await self.keys.update_one(
            {"_id": key_id, "community_id": community_id, "revoked_at": None},
            {"$set": {"revoked_at": datetime.now(UTC)}},
        )
        doc = await self.keys.find_one({"_id": key_id, "community_id": community_id})
        return _key(doc) if doc else None

    async def get_by_hash(self, secret_hash: str) -> ApiKeyRead | None:
        """The one lookup not filtered by community: the secret is what names the community."""
        doc = await self.keys.find_one({"secret_hash": secret_hash})
        return _key(doc) if doc else None

    async def touch(self, community_id: ObjectId, key_id: ObjectId, at: datetime) -> ApiKeyRead | None:
        doc = await self.keys.find_one_and_update(
            {"_id": key_id, "community_id": community_id},
            {"$set": {"last_used_at": at}},
            return_document=ReturnDocument.AFTER,
        )
        return _key(doc) if doc else None
