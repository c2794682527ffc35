"""Golden-slot deliveries and members' push preferences."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, InsertOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, OperationFailure

from distribution_service.store.base import DUPLICATE_KEY, Doc
from infra.indexes import IndexPlan
from infra.mail_handoff import MailHandoff

# One delivery per (community, slot, local day, member). Its keys lead with the slot and day, so the same index
# answers which of a chunk's members a run already delivered (list_delivered_members).
EXACTLY_ONCE_INDEX = "community_slot_day_member_unique"
# Indexes older versions built, dropped at start-up: every secondary index costs each insert (a slot run inserts
# one delivery per member). `community_slot_day_member` (plain) is now the unique index above; `community_slot`
# is its prefix (and slot rates read on community_created_at); `community_member_slot_day_unique` held the same
# keys in another order.
RETIRED_FIRST = ("community_slot_day_member", "community_slot")
RETIRED_AFTER = ("community_member_slot_day_unique",)
# MongoDB's IndexNotFound.
INDEX_NOT_FOUND = 27


class DeliveriesStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.deliveries = db["deliveries"]
        self.push_preferences = db["push_preferences"]
        # Deliveries of members who chose e-mail are also mailed: the delivery is the outbox (infra.mail_handoff).
        self.delivery_mail = MailHandoff(self.deliveries)

    async def ensure_indexes(self) -> None:
        # Retired plain indexes go first: the unique index below has the same keys as the plain one it replaces,
        # which MongoDB refuses beside it.
        await self._drop_indexes(RETIRED_FIRST)
        indexes = IndexPlan()
        # insert_deliveries: exactly one delivery per member per slot and local day, whatever re-runs happen; and
        # list_delivered_members: who already got this slot today (`$in` on member, the last field pinned).
        indexes.add(
            self.deliveries,
            [("community_id", ASCENDING), ("slot", ASCENDING), ("day", ASCENDING), ("member_id", ASCENDING)],
            unique=True,
            name=EXACTLY_ONCE_INDEX,
        )
        # list_deliveries_for_member (inbox), newest first; mark_delivery; count_deliveries_by_member_since.
        indexes.add(
            self.deliveries,
            [("community_id", ASCENDING), ("member_id", ASCENDING), ("created_at", DESCENDING)],
            name="community_member_created_at",
        )
        # count_made_between (health figures): a community's deliveries over a time window; aggregate_slot_rates
        # (a community's deliveries, grouped by slot) reads on it too.
        indexes.add(
            self.deliveries, [("community_id", ASCENDING), ("created_at", ASCENDING)], name="community_created_at"
        )
        # upsert_push_preferences / list_push_preferences: one document per member.
        indexes.add(
            self.push_preferences,
            [("community_id", ASCENDING), ("member_id", ASCENDING)],
            unique=True,
            name="community_member_unique",
        )
        self.delivery_mail.add_indexes(indexes)
        await indexes.create()
        # The old unique index only once its replacement guards the same keys.
        await self._drop_indexes(RETIRED_AFTER)

    async def _drop_indexes(self, names: tuple[str, ...]) -> None:
        """Drop these indexes where they exist (an older database); idempotent, and safe for processes starting
        together (the second to drop one finds it gone)."""
        existing = await self.deliveries.index_information()
        for name in names:
            if name in existing:
                try:
                    await self.deliveries.drop_index(name)
                except OperationFailure as exc:
                    if exc.code != INDEX_NOT_FOUND:
                        raise

    async def insert_deliveries(self, docs: list[Doc]) -> int:
        """Insert what is new; a (member, slot, day) already delivered is skipped. Returns how many were new."""
        return len(await self.insert_new_deliveries(docs))

    async def insert_new_deliveries(self, docs: list[Doc]) -> list[Doc]:
        """`insert_deliveries`, answering the documents that were new (the others were already delivered)."""
        if not docs:
            return []
        try:
            await self.deliveries.bulk_write([InsertOne(d) for d in docs], ordered=False)
            return docs
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if any(e.get("code") != DUPLICATE_KEY for e in errors):
                raise
            refused = {int(e["index"]) for e in errors}
            return [d for n, d in enumerate(docs) if n not in refused]

    async def list_delivery_times_since(self, community_id: ObjectId, since: datetime) -> dict[str, list[datetime]]:
        """When each member's deliveries made since `since` were made: one range read on community_created_at for
        the whole community (no `$in`: SecantusDB matches every document it fetches against each `$in` value, and
        the members' older deliveries are not read at all)."""
        cursor = self.deliveries.find(
            {"community_id": community_id, "created_at": {"$gte": since}}, projection={"member_id": 1, "created_at": 1}
        )
        found: dict[str, list[datetime]] = {}
        async for doc in cursor:
            found.setdefault(str(doc["member_id"]), []).append(doc["created_at"])
        return found

    async def list_deliveries_for_member(self, community_id: ObjectId, member_id: ObjectId, *, limit: int) -> list[Doc]:
        cursor = (
            self.deliveries.find({"community_id": community_id, "member_id": member_id})
            .sort("created_at", DESCENDING)
            .limit(limit)
        )
        return [doc async for doc in cursor]

    async def list_delivered_members(
        self, community_id: ObjectId, slot: str, day: str, member_ids: list[ObjectId]
    ) -> set[str]:
        found = await self.deliveries.distinct(
            "member_id", {"community_id": community_id, "slot": slot, "day": day, "member_id": {"$in": member_ids}}
        )
        return {str(m) for m in found}

    async def count_deliveries_by_member_since(
        self, community_id: ObjectId, member_ids: list[ObjectId], since: datetime
    ) -> dict[str, int]:
        # community_member_created_at serves the first $match (`$in` on member, the last field it pins); mongod
        # merges the two into one bounded scan of the same index.
        pipeline: list[Doc] = [
            {"$match": {"community_id": community_id, "member_id": {"$in": member_ids}}},
            {"$match": {"created_at": {"$gte": since}}},
            {"$group": {"_id": "$member_id", "n": {"$sum": 1}}},
        ]
        cursor = await self.deliveries.aggregate(pipeline)
        return {str(doc["_id"]): int(doc["n"]) async for doc in cursor}

    async def aggregate_slot_rates(self, community_id: ObjectId) -> list[Doc]:
        pipeline: list[Doc] = [
            {"$match": {"community_id": community_id}},
            {
                "$group": {
                    "_id": "$slot",
                    "delivered": {"$sum": 1},
                    "opened": {"$sum": {"$cond": [{"$gt": ["$opened_at", None]}, 1, 0]}},
                    "shared": {"$sum": {"$cond": [{"$gt": ["$shared_at", None]}, 1, 0]}},
                }
            },
        ]
        cursor = await self.deliveries.aggregate(pipeline)
        return [doc async for doc in cursor]

    async def count_made_between(self, community_id: ObjectId, since: datetime, until: datetime) -> Doc:
        """Deliveries made in [since, until), and how many of them were opened and shared (health figures)."""
        pipeline: list[Doc] = [
            {"$match": {"community_id": community_id, "created_at": {"$gte": since, "$lt": until}}},
            {
                "$group": {
                    "_id": None,
                    "delivered": {"$sum": 1},
                    "opened": {"$sum": {"$cond": [{"$gt": ["$opened_at", None]}, 1, 0]}},
                    "shared": {"$sum": {"$cond": [{"$gt": ["$shared_at", None]}, 1, 0]}},
                }
            },
        ]
        rows = [doc async for doc in await self.deliveries.aggregate(pipeline)]
        return rows[0] if rows else {"delivered": 0, "opened": 0, "shared": 0}

    async def mark_delivery(
        self, community_id: ObjectId, member_id: ObjectId, content_id: ObjectId, field: str, at: datetime
    ) -> None:
        """Stamp `field` (opened/shared) on the member's deliveries that showed the item, where still unset."""
        # The member's deliveries are few (one per slot and day): read them on community_member_created_at, pick
        # here, and write by `_id` (SecantusDB's point lookup); the pipeline keeps a value already set.
        cursor = self.deliveries.find(
            {"community_id": community_id, "member_id": member_id}, projection={"items.content_id": 1, field: 1}
        )
        ids = [
            doc["_id"]
            async for doc in cursor
            if doc.get(field) is None and any(item.get("content_id") == content_id for item in doc.get("items", []))
        ]
        if ids:
            await self.deliveries.update_many(
                {"_id": {"$in": ids}}, [{"$set": {field: {"$ifNull": [f"${field}", at]}}}]
            )

    async def mark_deliveries(
        self, community_id: ObjectId, marks: dict[tuple[ObjectId, ObjectId, str], datetime]
    ) -> None:
        """`mark_delivery` for a batch of (member, item, field) marks of one community: one read of the members'
        deliveries (community_member_created_at, `$in` on member), then one write per delivery to stamp."""
        if not marks:
            return
        members = list({member for member, _, _ in marks})
        fields = sorted({field for _, _, field in marks})
        cursor = self.deliveries.find(
            {"community_id": community_id, "member_id": {"$in": members}},
            projection={"member_id": 1, "items.content_id": 1, **{f: 1 for f in fields}},
        )
        async for doc in cursor:
            shown = {item.get("content_id") for item in doc.get("items", [])}
            stamp: dict[str, datetime] = {}
            for (member, content_id, field), at in marks.items():
                if member == doc["member_id"] and content_id in shown and doc.get(field) is None:
                    stamp[field] = min(stamp.get(field, at), at)
            if stamp:
                await self.deliveries.update_one(
                    {"_id": doc["_id"]}, [{"$set": {f: {"$ifNull": [f"${f}", at]} for f, at in stamp.items()}}]
                )

    # --- push preferences -----------------------------------------------------------------------------------

    async def upsert_push_preferences(self, community_id: ObjectId, member_id: ObjectId, fields: Doc) -> Doc:
        await self.push_preferences.update_one(
            {"community_id": community_id, "member_id": member_id},
            {"$set": {**fields, "updated_at": datetime.now(UTC)}},
            upsert=True,
        )
        doc = await self.push_preferences.find_one({"community_id": community_id, "member_id": member_id})
        assert doc is not None
        return doc

    async def list_push_preferences(self, community_id: ObjectId, member_ids: list[ObjectId]) -> dict[str, Doc]:
        cursor = self.push_preferences.find({"community_id": community_id, "member_id": {"$in": member_ids}})
        return {str(doc["member_id"]): doc async for doc in cursor}
