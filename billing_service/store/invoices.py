"""Invoices and credit notes, numbered per community by a counter bumped inside the finalizing transaction."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from billing_service.store.base import Doc, Session, in_community
from infra.indexes import IndexPlan


class InvoicesStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.invoices = db["invoices"]
        self.counters = db["invoice_counters"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # a number is used once per community and series (INV, CN); drafts have none (partial index).
        indexes.add(
            self.invoices,
            [("community_id", ASCENDING), ("series", ASCENDING), ("seq", ASCENDING)],
            unique=True,
            partialFilterExpression={"seq": {"$exists": True}},
            name="community_series_seq_unique",
        )
        # list: a community's invoices, newest first (optionally one member's).
        indexes.add(self.invoices, [("community_id", ASCENDING), ("created_at", DESCENDING)], name="community_created")
        indexes.add(
            self.invoices,
            [("community_id", ASCENDING), ("member_id", ASCENDING), ("created_at", DESCENDING)],
            name="community_member_created",
        )
        await indexes.create()

    async def create(self, session: Session | None, doc: Doc) -> Doc:
        doc = {**doc, "created_at": datetime.now(UTC)}
        doc["_id"] = (await self.invoices.insert_one(doc, session=session)).inserted_id
        return doc

    async def next_number(self, session: Session, community_id: ObjectId, series: str) -> int:
        """The next number of a series; in the caller's transaction, so an aborted finalize leaves no gap."""
        counter = await self.counters.find_one_and_update(
            {"_id": f"{community_id}:{series}"},
            {"$inc": {"value": 1}, "$setOnInsert": {"community_id": community_id, "series": series}},
            upsert=True,
            session=session,
            return_document=ReturnDocument.AFTER,
        )
        assert counter is not None  # upserted
        return int(counter["value"])

    async def get(self, community_id: ObjectId, invoice_id: ObjectId, session: Session | None = None) -> Doc | None:
        return in_community(await self.invoices.find_one({"_id": invoice_id}, session=session), community_id)

    async def get_many(self, community_id: ObjectId, ids: list[ObjectId]) -> dict[ObjectId, Doc]:
        """The community's invoices among `ids`, by id (read by `_id` alone, the community checked here)."""
        cursor = self.invoices.find({"_id": {"$in": ids}})
        return {doc["_id"]: doc async for doc in cursor if in_community(doc, community_id) is not None}

    async def update(self, session: Session | None, invoice: Doc, expect: Doc, changes: Doc) -> Doc | None:
        result: Doc | None = await self.invoices.find_one_and_update(
            {"_id": invoice["_id"], "community_id": invoice["community_id"], **expect},
            {"$set": changes},
            session=session,
            return_document=ReturnDocument.AFTER,
        )
        return result

    async def list(self, community_id: ObjectId, member_id: ObjectId | None, limit: int) -> list[Doc]:
        query: Doc = {"community_id": community_id}
        if member_id is not None:
            query["member_id"] = member_id
        cursor = self.invoices.find(query).sort("created_at", DESCENDING).limit(limit)
        return [doc async for doc in cursor]
