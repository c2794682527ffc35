"""The `members` collection, its only reader and writer: registration, roles, import, tiers, layers and LTV.

Every concept that needs member documents (value, LTV, governance, stage, acquisition) goes through these named
finders, so each index sits beside the queries it serves and nothing else opens the collection.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, ReturnDocument, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from infra.bulk import insert_many_reporting
from infra.change_stamps import ChangeStamps
from infra.errors import ConflictError
from infra.indexes import IndexPlan
from infra.kept_docs import KeptDocs
from infra.keyset import read_keyset_page
from infra.lookups import find_in
from users_service.domain.layers import Layer
from users_service.domain.roles import Role
from users_service.domain.tier_writes import MemberUpdate
from users_service.domain.tiers import Tier
from users_service.schemas.members import MemberFilter, MemberRead
from users_service.store.base import Doc, Session, in_period

BULK_BATCH = 5000
# How long a kept member may answer at all while their community's change stamp is unchanged: it bounds only a
# change the stamp cannot see (one written to the database behind users_service, or by a process that died between
# its write and its stamp). Every write through users_service replaces the stamp.
KEPT_MEMBER_MAX_SECONDS = 600.0


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


def directory_match(where: MemberFilter) -> Doc:
    """The Mongo conditions of an operator's directory filter (added to the community's)."""
    match: Doc = {}
    if where.search:
        needle = re.escape(where.search)
        match["$or"] = [
            {"handle_key": {"$regex": f"^{needle.lower()}"}},
            {"display_name": {"$regex": needle, "$options": "i"}},
        ]
    if where.tier is not None:
        match["tier"] = where.tier.value
    if where.rfm_layer is not None:
        # Never scored: by rule in the base layer.
        layer = where.rfm_layer.value
        match["rfm_layer"] = {"$in": [layer, None]} if where.rfm_layer is Layer.BASE else layer
    if where.channel is not None:
        # No channel recorded counts as OTHER (as in the acquisition report).
        channel = where.channel.value
        match["channel"] = {"$in": [channel, None]} if channel == "OTHER" else channel
    joined: Doc = {}
    if where.joined_after is not None:
        joined["$gte"] = where.joined_after
    if where.joined_before is not None:
        joined["$lt"] = where.joined_before
    if joined:
        match["joined_at"] = joined
    return match


@dataclass(frozen=True)
class MemberState:
    """What the tier job needs of one member document."""

    id: ObjectId
    roles: list[str]
    tier: Tier
    tier_since: datetime
    joined_at: datetime
    layer: Layer
    ltv_cents: int | None


class MembersStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.members = db["members"]
        # Members kept for the lookups that may be a few seconds old (the caller behind each request,
        # MEMBER_READ_TTL_SECONDS): valid while their community's change stamp (`member_stamps`, one small document
        # per community, replaced after every update below) is the one read before them; every update also voids
        # this process's kept members of the community, before the write and after it. Off until `keep_callers`.
        self.kept = KeptDocs()
        self.stamps = ChangeStamps(db["member_stamps"])

    def keep_callers(self, max_age_seconds: float) -> None:
        """Keep members for the lookups that may be `max_age_seconds` old (0: none): each process reads its
        communities' change stamps at most that often, and a kept member answers while the stamp is unchanged (at
        most KEPT_MEMBER_MAX_SECONDS)."""
        self.kept.ttl_seconds = KEPT_MEMBER_MAX_SECONDS if max_age_seconds > 0 else 0.0
        self.stamps.check_seconds = max_age_seconds

    @asynccontextmanager
    async def _updating(self, community_id: ObjectId, session: Session | None = None) -> AsyncIterator[None]:
        """An update of the community's members: kept ones voided in this process, and the community's change
        stamp replaced after it (in its transaction, if any) for the other processes' (infra/change_stamps.py)."""
        self.kept.written(community_id, session=session)
        try:
            yield
            await self.stamps.bump(community_id, session=session)
        except BaseException:
            if session is None:  # the write may have landed: the stamp says so (a transaction's abort undoes both)
                with suppress(Exception):
                    await self.stamps.bump(community_id)
            raise
        finally:
            self.kept.written(community_id, session=session)

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # get_by_handle; a handle is unique per community whatever its case. Also serves every full read of a
        # community's members (list_states, list_joins): community_id comes first.
        indexes.add(
            self.members,
            [("community_id", ASCENDING), ("handle_key", ASCENDING)],
            unique=True,
            name="community_handle_unique",
        )
        # The import's idempotency: one member per source id in a community.
        indexes.add(
            self.members,
            [("community_id", ASCENDING), ("source", ASCENDING), ("source_id", ASCENDING)],
            unique=True,
            partialFilterExpression={"source": {"$type": "string"}},
            name="community_source_unique",
        )
        # list_ids_by_source (the server plans no query on a partial index).
        indexes.add(self.members, [("community_id", ASCENDING), ("source_id", ASCENDING)], name="community_source_id")
        # count_by_tier, sweep_tier: the tier distribution and a tier moving at once.
        indexes.add(self.members, [("community_id", ASCENDING), ("tier", ASCENDING)], name="community_tier")
        # count_by_layer, list_core_ids, count_core: the RFM pyramid and the committee.
        indexes.add(self.members, [("community_id", ASCENDING), ("rfm_layer", ASCENDING)], name="community_rfm_layer")
        # list_expert_ids / count_experts: members holding the EXPERT role (multikey on roles).
        indexes.add(self.members, [("community_id", ASCENDING), ("roles", ASCENDING)], name="community_roles")
        # list_page / count: every member, newest joined first, a keyset page at a time (the id breaks ties).
        indexes.add(
            self.members,
            [("community_id", ASCENDING), ("joined_at", DESCENDING), ("_id", DESCENDING)],
            name="community_joined_id",
        )
        # list_ids_joined_since, count_joined_since, earliest_join, signups_by_channel: members by join date.
        indexes.add(self.members, [("community_id", ASCENDING), ("joined_at", ASCENDING)], name="community_joined")
        await indexes.create()

    # Registration, sign-in and roles

    async def create(
        self,
        *,
        community_id: ObjectId,
        handle: str,
        display_name: str,
        password_hash: str | None,
        roles: list[str],
        tier: str,
        channel: str | None = None,
        session: Session | None = None,
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
            result = await self.members.insert_one(doc, session=session)
        except DuplicateKeyError as exc:
            raise ConflictError(f"handle {handle!r} is already taken in this community", field="handle") from exc
        doc["_id"] = result.inserted_id
        return _member(doc)

    async def get(self, community_id: ObjectId, member_id: ObjectId) -> MemberRead | None:
        doc = await self.members.find_one({"_id": member_id, "community_id": community_id})
        return _member(doc) if doc else None

    async def get_by_handle(self, community_id: ObjectId, handle: str) -> MemberRead | None:
        doc = await self.members.find_one({"community_id": community_id, "handle_key": handle.lower()})
        return _member(doc) if doc else None

    async def get_with_password_hash(self, community_id: ObjectId, handle: str) -> tuple[MemberRead | None, str | None]:
        doc = await self.members.find_one({"community_id": community_id, "handle_key": handle.lower()})
        if not doc:
            return None, None
        return _member(doc), doc.get("password_hash")

    async def get_email(self, community_id: ObjectId, member_id: ObjectId) -> str | None:
        doc = await self.members.find_one({"_id": member_id, "community_id": community_id}, {"email": 1})
        return doc.get("email") if doc else None

    async def set_email(self, community_id: ObjectId, member_id: ObjectId, email: str, *, session: Session) -> None:
        """A new address (an operator's, for a claim); it is verified when a code mailed to it is redeemed."""
        async with self._updating(community_id, session):
            await self.members.update_one(
                {"_id": member_id, "community_id": community_id},
                {"$set": {"email": email, "email_verified_at": None}},
                session=session,
            )

    async def set_password(
        self, community_id: ObjectId, member_id: ObjectId, password_hash: str, *, at: datetime, session: Session
    ) -> None:
        """The member's new password, from a redeemed code: the code came by mail, so the address is verified."""
        async with self._updating(community_id, session):
            await self.members.update_one(
                {"_id": member_id, "community_id": community_id},
                {"$set": {"password_hash": password_hash, "email_verified_at": at, "password_set_at": at}},
                session=session,
            )

    async def list_page(
        self,
        community_id: ObjectId,
        *,
        after: tuple[datetime, ObjectId] | None,
        limit: int,
        where: Doc | None = None,
    ) -> list[MemberRead]:
        """Members newest joined first, strictly after the keyset position `after`, narrowed by `where` (the
        directory's filters, see domain.directory); neither password hash nor e-mail read."""
        docs = await read_keyset_page(
            self.members,
            {"community_id": community_id, **(where or {})},
            field="joined_at",
            after=after,
            limit=limit,
            index="community_joined_id",
            projection={"password_hash": 0, "email": 0},
        )
        return [_member(doc) for doc in docs]

    async def list_ids_where(self, community_id: ObjectId, where: Doc) -> list[ObjectId]:
        """Ids of the members the directory conditions `where` select (see directory_match), ids only."""
        cursor = self.members.find({"community_id": community_id, **where}, {"_id": 1})
        return [doc["_id"] async for doc in cursor]

    async def count(self, community_id: ObjectId, where: Doc | None = None) -> int:
        return await self.members.count_documents({"community_id": community_id, **(where or {})})

    async def list_by_ids(
        self, community_id: ObjectId, member_ids: list[ObjectId], *, kept: bool = False
    ) -> dict[str, MemberRead]:
        """The community's members among `member_ids`; `kept=True` may answer from the members this process read
        since the community's change stamp last changed (read at most every `stamps.check_seconds`, `keep_callers`;
        infra/kept_docs.py)."""

        async def read(ids: list[ObjectId]) -> list[Doc]:
            return [doc async for doc in find_in(self.members, {"community_id": community_id}, "_id", ids)]

        if not kept or not self.kept.enabled:
            docs = await read(member_ids)
        else:
            stamp = await self.stamps.current(community_id)
            docs = await self.kept.read_through(community_id, member_ids, read, stamp=stamp)
        return {str(doc["_id"]): _member(doc) for doc in docs}

    async def list_segments(self, community_id: ObjectId, member_ids: list[ObjectId]) -> dict[str, Doc]:
        """Member id → {"tier", "rfm_layer", "channel"} for the health breakdowns, looked up by _id in batches;
        a member never scored is in the BASE layer, one without a channel counts as OTHER."""
        found: dict[str, Doc] = {}
        projection = {"tier": 1, "rfm_layer": 1, "channel": 1}
        for at in range(0, len(member_ids), 1000):
            query = {"_id": {"$in": member_ids[at : at + 1000]}, "community_id": community_id}
            async for doc in self.members.find(query, projection=projection):
                found[str(doc["_id"])] = {
                    "tier": doc["tier"],
                    "rfm_layer": doc.get("rfm_layer") or Layer.BASE.value,
                    "channel": doc.get("channel") or "OTHER",
                }
        return found

    async def list_ids_joined_since(self, community_id: ObjectId, since: datetime) -> list[str]:
        cursor = self.members.find({"community_id": community_id, "joined_at": {"$gte": since}}, projection={"_id": 1})
        return sorted([str(doc["_id"]) async for doc in cursor])

    async def set_roles(self, community_id: ObjectId, member_id: ObjectId, roles: list[str]) -> MemberRead | None:
        async with self._updating(community_id):
            doc = await self.members.find_one_and_update(
                {"_id": member_id, "community_id": community_id},
                {"$set": {"roles": roles}},
                return_document=ReturnDocument.AFTER,
            )
        return _member(doc) if doc else None

    # Import from another platform, idempotent by (community, source, source id)

    async def list_ids_by_source(
        self, community_id: ObjectId, source: str, source_ids: list[str]
    ) -> dict[str, ObjectId]:
        # Exactly the index's fields: the server scans the whole collection for any other shape of this query.
        match = {"community_id": community_id}
        cursor = find_in(self.members, match, "source_id", source_ids, projection={"source_id": 1, "source": 1})
        return {doc["source_id"]: doc["_id"] async for doc in cursor if doc.get("source") == source}

    async def insert_imported(self, docs: list[Doc]) -> dict[int, str]:
        """Insert member documents built by the import; {position: unique key} for the ones refused."""
        for doc in docs:
            doc["handle_key"] = doc["handle"].lower()
        return await insert_many_reporting(self.members, docs)

    # Tiers and RFM layers (written only by the tier batch job)

    async def list_states(self, community_id: ObjectId) -> list[MemberState]:
        projection = {"roles": 1, "tier": 1, "tier_since": 1, "joined_at": 1, "rfm_layer": 1, "ltv_cents": 1}
        cursor = self.members.find({"community_id": community_id}, projection, batch_size=10_000)
        return [
            MemberState(
                id=doc["_id"],
                roles=doc.get("roles", []),
                tier=Tier(doc["tier"]),
                tier_since=doc.get("tier_since") or doc["joined_at"],
                joined_at=doc["joined_at"],
                layer=Layer(doc.get("rfm_layer", Layer.BASE)),
                ltv_cents=doc.get("ltv_cents"),
            )
            async for doc in cursor
        ]

    async def apply_updates(self, community_id: ObjectId, updates: list[MemberUpdate]) -> None:
        for start in range(0, len(updates), BULK_BATCH):
            batch = [
                UpdateOne({"_id": u.member_id, "community_id": community_id}, {"$set": u.fields})
                for u in updates[start : start + BULK_BATCH]
            ]
            async with self._updating(community_id):
                await self.members.bulk_write(batch, ordered=False)

    async def sweep_tier(
        self,
        community_id: ObjectId,
        from_tier: Tier,
        to_tier: Tier,
        *,
        since: datetime,
        last_read: ObjectId,
        joined_before: datetime,
    ) -> None:
        """Move every member the run read in `from_tier` at once.

        Members who arrived after the run read the community (a later id or join) are left alone.
        """
        async with self._updating(community_id):
            await self.members.update_many(
                {
                    "community_id": community_id,
                    "tier": from_tier.value,
                    "_id": {"$lte": last_read},
                    "joined_at": {"$lt": joined_before},
                },
                {"$set": {"tier": to_tier.value, "tier_since": since}},
            )

    async def count_by_tier(self, community_id: ObjectId) -> dict[str, int]:
        pipeline: list[Doc] = [
            {"$match": {"community_id": community_id}},
            {"$group": {"_id": "$tier", "n": {"$sum": 1}}},
        ]
        return {row["_id"]: int(row["n"]) async for row in await self.members.aggregate(pipeline)}

    async def count_by_layer(self, community_id: ObjectId) -> dict[str, int]:
        # A member never scored has no rfm_layer: by rule they are in the base layer.
        group = {"_id": {"$ifNull": ["$rfm_layer", Layer.BASE.value]}, "n": {"$sum": 1}}
        pipeline: list[Doc] = [{"$match": {"community_id": community_id}}, {"$group": group}]
        return {row["_id"]: int(row["n"]) async for row in await self.members.aggregate(pipeline)}

    async def count_joined_since(self, community_id: ObjectId, since: datetime, field: str) -> dict[str, int]:
        """Members who joined at or after `since`, by tier or layer: those a batch run has not read yet."""
        value: Any = f"${field}" if field == "tier" else {"$ifNull": [f"${field}", Layer.BASE.value]}
        pipeline: list[Doc] = [
            {"$match": {"community_id": community_id, "joined_at": {"$gte": since}}},
            {"$group": {"_id": value, "n": {"$sum": 1}}},
        ]
        return {row["_id"]: int(row["n"]) async for row in await self.members.aggregate(pipeline)}

    # LTV predictions

    async def list_joins(self, community_id: ObjectId) -> list[tuple[ObjectId, datetime, int | None]]:
        """(id, joined_at, current prediction) of every member."""
        cursor = self.members.find({"community_id": community_id}, {"joined_at": 1, "ltv_cents": 1}, batch_size=10_000)
        return [(doc["_id"], doc["joined_at"], doc.get("ltv_cents")) async for doc in cursor]

    async def set_predictions(self, community_id: ObjectId, values: dict[ObjectId, int]) -> None:
        items = list(values.items())
        for start in range(0, len(items), BULK_BATCH):
            batch = [
                UpdateOne({"_id": member_id, "community_id": community_id}, {"$set": {"ltv_cents": cents}})
                for member_id, cents in items[start : start + BULK_BATCH]
            ]
            async with self._updating(community_id):
                await self.members.bulk_write(batch, ordered=False)

    # Governance seats

    async def list_core_ids(self, community_id: ObjectId, *, limit: int) -> list[ObjectId]:
        cursor = self.members.find({"community_id": community_id, "rfm_layer": Layer.CORE.value}, {"_id": 1})
        return [doc["_id"] async for doc in cursor.limit(limit)]

    async def count_core(self, community_id: ObjectId) -> int:
        return await self.members.count_documents({"community_id": community_id, "rfm_layer": Layer.CORE.value})

    async def list_expert_ids(self, community_id: ObjectId, *, limit: int) -> list[ObjectId]:
        cursor = self.members.find({"community_id": community_id, "roles": Role.EXPERT.value}, {"_id": 1})
        return [doc["_id"] async for doc in cursor.limit(limit)]

    async def count_operators(self, community_id: ObjectId) -> int:
        return await self.members.count_documents({"community_id": community_id, "roles": Role.OPERATOR.value})

    async def count_experts(self, community_id: ObjectId) -> int:
        return await self.members.count_documents({"community_id": community_id, "roles": Role.EXPERT.value})

    # Lifecycle stage and acquisition

    async def earliest_join(self, community_id: ObjectId) -> datetime | None:
        """The first member's join (imported histories start before the platform did)."""
        doc = await self.members.find_one({"community_id": community_id}, {"joined_at": 1}, sort=[("joined_at", 1)])
        return doc["joined_at"] if doc else None

    async def signups_by_channel(
        self, community_id: ObjectId, start: datetime | None, end: datetime | None
    ) -> dict[str, tuple[int, int | None]]:
        """Channel → (sign-ups, mean predicted LTV of those with a prediction); no channel counts as OTHER."""
        match = in_period({"community_id": community_id}, "joined_at", start, end)
        group = {"_id": {"$ifNull": ["$channel", "OTHER"]}, "n": {"$sum": 1}, "ltv": {"$avg": "$ltv_cents"}}
        pipeline: list[Doc] = [{"$match": match}, {"$group": group}]
        return {
            row["_id"]: (int(row["n"]), round(row["ltv"]) if row.get("ltv") is not None else None)
            async for row in await self.members.aggregate(pipeline)
        }
