"""users_service's only MongoDB module: named finders, each scoped by community."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from infra.bulk import insert_many_reporting
from infra.errors import ConflictError
from users_service.schemas import CommunityRead, MemberRead, SpendRead, SpendTotal

Doc = dict[str, Any]


def _community(doc: Doc) -> CommunityRead:
    return CommunityRead(
        id=str(doc["_id"]),
        slug=doc["slug"],
        name=doc["name"],
        timezone=doc["timezone"],
        parent_id=str(doc["parent_id"]) if doc.get("parent_id") else None,
        created_at=doc["created_at"],
    )


def _member(doc: Doc) -> MemberRead:
    return MemberRead(
        id=str(doc["_id"]),
        community_id=str(doc["community_id"]),
        handle=doc["handle"],
        display_name=doc["display_name"],
        roles=doc["roles"],
        tier=doc["tier"],
        joined_at=doc["joined_at"],
        rfm_layer=doc.get("rfm_layer", "BASE"),
        ltv_cents=doc.get("ltv_cents"),
    )


class UsersStore:
    def __init__(self, db: AsyncDatabase[Doc], *, login_failure_window_seconds: int = 900) -> None:
        self.db = db
        self.communities = db["communities"]
        self.members = db["members"]
        self.login_failures = db["login_failures"]
        self.acquisition_spend = db["acquisition_spend"]
        self.login_failure_window_seconds = login_failure_window_seconds

    async def ensure_indexes(self) -> None:
        # get_community_by_slug; a slug names one community platform-wide.
        await self.communities.create_index([("slug", ASCENDING)], unique=True, name="slug_unique")
        # get_member_by_handle; a handle is unique per community whatever its case.
        await self.members.create_index(
            [("community_id", ASCENDING), ("handle_key", ASCENDING)], unique=True, name="community_handle_unique"
        )
        # count_recent_login_failures (per address): failures of one handle from one address.
        await self.login_failures.create_index(
            [("community_id", ASCENDING), ("handle_key", ASCENDING), ("address", ASCENDING), ("at", ASCENDING)],
            name="community_handle_address_at",
        )
        # count_recent_login_failures (all addresses); entries expire after the failure window.
        await self.login_failures.create_index(
            [("community_id", ASCENDING), ("handle_key", ASCENDING), ("at", ASCENDING)], name="community_handle_at"
        )
        await self.login_failures.create_index(
            "at", expireAfterSeconds=self.login_failure_window_seconds, name="at_ttl"
        )
        # sum_spend: a community's acquisition spend over a period.
        await self.acquisition_spend.create_index(
            [("community_id", ASCENDING), ("spent_at", ASCENDING)], name="community_spent_at"
        )

    # Communities

    async def create_community(
        self, *, slug: str, name: str, timezone: str, parent_id: ObjectId | None
    ) -> CommunityRead:
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

    async def get_community(self, community_id: ObjectId) -> CommunityRead | None:
        doc = await self.communities.find_one({"_id": community_id})
        return _community(doc) if doc else None

    async def get_community_by_slug(self, slug: str) -> CommunityRead | None:
        doc = await self.communities.find_one({"slug": slug})
        return _community(doc) if doc else None

    # Members

    async def create_member(
        self,
        *,
        community_id: ObjectId,
        handle: str,
        display_name: str,
        password_hash: str | None,
        roles: list[str],
        tier: str,
        channel: str | None = None,
    ) -> MemberRead:
        doc: Doc = {
            "community_id": community_id,
            "handle": handle,
            "handle_key": handle.lower(),
            "display_name": display_name,
            "password_hash": password_hash,
            "roles": roles,
            "tier": tier,
            "joined_at": datetime.now(UTC),
            "channel": channel,
        }
        try:
            result = await self.members.insert_one(doc)
        except DuplicateKeyError as exc:
            raise ConflictError(f"handle {handle!r} is already taken in this community", field="handle") from exc
        doc["_id"] = result.inserted_id
        return _member(doc)

    async def get_member(self, community_id: ObjectId, member_id: ObjectId) -> MemberRead | None:
        doc = await self.members.find_one({"_id": member_id, "community_id": community_id})
        return _member(doc) if doc else None

    async def list_members_by_ids(self, community_id: ObjectId, member_ids: list[ObjectId]) -> dict[str, MemberRead]:
        cursor = self.members.find({"_id": {"$in": member_ids}, "community_id": community_id})
        return {str(doc["_id"]): _member(doc) async for doc in cursor}

    async def list_member_ids_joined_since(self, community_id: ObjectId, since: datetime) -> list[str]:
        # On community_joined (created by the value and stage stores on the same collection).
        cursor = self.members.find({"community_id": community_id, "joined_at": {"$gte": since}}, projection={"_id": 1})
        return sorted([str(doc["_id"]) async for doc in cursor])

    async def get_member_by_handle(self, community_id: ObjectId, handle: str) -> MemberRead | None:
        doc = await self.members.find_one({"community_id": community_id, "handle_key": handle.lower()})
        return _member(doc) if doc else None

    async def get_password_hash(self, community_id: ObjectId, handle: str) -> tuple[MemberRead | None, str | None]:
        doc = await self.members.find_one({"community_id": community_id, "handle_key": handle.lower()})
        if not doc:
            return None, None
        return _member(doc), doc.get("password_hash")

    async def set_roles(self, community_id: ObjectId, member_id: ObjectId, roles: list[str]) -> MemberRead | None:
        doc = await self.members.find_one_and_update(
            {"_id": member_id, "community_id": community_id},
            {"$set": {"roles": roles}},
            return_document=ReturnDocument.AFTER,
        )
        return _member(doc) if doc else None

    # Login failures

    async def record_login_failure(self, community_id: ObjectId, handle: str, address: str | None) -> None:
        await self.login_failures.insert_one(
            {"community_id": community_id, "handle_key": handle.lower(), "address": address, "at": datetime.now(UTC)}
        )

    async def count_recent_login_failures(
        self, community_id: ObjectId, handle: str, *, address: str | None = None, all_addresses: bool = False
    ) -> int:
        """Failures in the window for this handle: from `address`, or from anywhere with `all_addresses`."""
        since = datetime.now(UTC) - timedelta(seconds=self.login_failure_window_seconds)
        query: Doc = {"community_id": community_id, "handle_key": handle.lower()}
        if not all_addresses:
            query["address"] = address
        query["at"] = {"$gte": since}
        return await self.login_failures.count_documents(query)

    async def clear_login_failures(self, community_id: ObjectId, handle: str) -> None:
        await self.login_failures.delete_many({"community_id": community_id, "handle_key": handle.lower()})

    # Acquisition spend

    async def create_spend(self, community_id: ObjectId, fields: Doc) -> SpendRead:
        doc: Doc = {"community_id": community_id, **fields, "created_at": datetime.now(UTC)}
        result = await self.acquisition_spend.insert_one(doc)
        return SpendRead(
            id=str(result.inserted_id),
            channel=doc["channel"],
            amount_cents=doc["amount_cents"],
            currency=doc["currency"],
            spent_at=doc["spent_at"],
        )

    async def sum_spend(self, community_id: ObjectId, start: datetime | None, end: datetime | None) -> SpendTotal:
        match: Doc = {"community_id": community_id}
        window: Doc = {}
        if start is not None:
            window["$gte"] = start
        if end is not None:
            window["$lt"] = end
        if window:
            match["spent_at"] = window
        pipeline: list[Doc] = [{"$match": match}, {"$group": {"_id": "$channel", "total": {"$sum": "$amount_cents"}}}]
        by_channel = {row["_id"]: int(row["total"]) async for row in await self.acquisition_spend.aggregate(pipeline)}
        return SpendTotal(spend_cents=sum(by_channel.values()), by_channel=by_channel)

    # Issue 4: imported members, idempotent by (community, source, source id).

    async def ensure_import_indexes(self) -> None:
        # The import's idempotency: one member per source id in a community.
        await self.members.create_index(
            [("community_id", ASCENDING), ("source", ASCENDING), ("source_id", ASCENDING)],
            unique=True,
            partialFilterExpression={"source": {"$type": "string"}},
            name="community_source_unique",
        )
        # list_member_ids_by_source (the server plans no query on a partial index).
        await self.members.create_index(
            [("community_id", ASCENDING), ("source_id", ASCENDING)], name="community_source_id"
        )

    async def list_member_ids_by_source(
        self, community_id: ObjectId, source: str, source_ids: list[str]
    ) -> dict[str, ObjectId]:
        # Exactly the index's fields: the server scans the whole collection for any other shape of this query.
        query = {"community_id": community_id, "source_id": {"$in": source_ids}}
        cursor = self.members.find(query, projection={"source_id": 1, "source": 1})
        return {doc["source_id"]: doc["_id"] async for doc in cursor if doc.get("source") == source}

    async def insert_imported_members(self, docs: list[Doc]) -> dict[int, str]:
        """Insert member documents built by the import; {position: unique key} for the ones refused."""
        for doc in docs:
            doc["handle_key"] = doc["handle"].lower()
        return await insert_many_reporting(self.members, docs)
