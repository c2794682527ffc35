"""The ledger's collection: immutable balanced transactions, at most one per posting id."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from billing_service.domain.ledger import Line, balanced
from billing_service.store.base import Doc, Session
from infra.indexes import IndexPlan


class LedgerStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.transactions = db["ledger_transactions"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # post: at most one transaction per posting id in a community (a replay can never post twice).
        indexes.add(
            self.transactions,
            [("community_id", ASCENDING), ("posting_id", ASCENDING)],
            unique=True,
            name="community_posting_unique",
        )
        # mrr_postings_for_subscription: what one subscription's charges and changes did to MRR.
        indexes.add(
            self.transactions,
            [("community_id", ASCENDING), ("meta.subscription_id", ASCENDING)],
            name="community_subscription",
        )
        # trial_balance / sums_by_account / revenue_by_member / subscription_charges: a community's period.
        indexes.add(
            self.transactions, [("community_id", ASCENDING), ("occurred_at", ASCENDING)], name="community_occurred"
        )
        # creator_payable: the transactions naming one creator (multikey on the id list).
        indexes.add(
            self.transactions, [("community_id", ASCENDING), ("meta.creator_ids", ASCENDING)], name="community_creator"
        )
        await indexes.create()

    async def post(
        self,
        session: Session | None,
        *,
        community_id: ObjectId,
        posting_id: str,
        kind: str,
        lines: list[Line],
        occurred_at: datetime,
        member_id: ObjectId | None = None,
        meta: Doc | None = None,
        reverses: str | None = None,
    ) -> Doc:
        """Insert one balanced transaction inside the caller's transaction (with its business record)."""
        doc: Doc = {
            "community_id": community_id,
            "posting_id": posting_id,
            "kind": kind,
            "lines": [line.to_doc() for line in balanced(lines)],
            "occurred_at": occurred_at,
            "member_id": member_id,
            "meta": meta or {},
            "reverses": reverses,
        }
        await self.transactions.insert_one(doc, session=session)
        return doc

    async def get_by_posting_id(self, community_id: ObjectId, posting_id: str) -> Doc | None:
        return await self.transactions.find_one({"community_id": community_id, "posting_id": posting_id})

    async def sums_by_account(
        self, community_id: ObjectId, start: datetime | None = None, end: datetime | None = None
    ) -> dict[str, tuple[int, int]]:
        """Account → (debits, credits) over the community's transactions in [start, end)."""
        match: Doc = {"community_id": community_id}
        when: Doc = {}
        if start is not None:
            when["$gte"] = start
        if end is not None:
            when["$lt"] = end
        if when:
            match["occurred_at"] = when
        pipeline: list[Doc] = [
            {"$match": match},
            {"$unwind": "$lines"},
            {
                "$group": {
                    "_id": "$lines.account",
                    "debits": {"$sum": "$lines.debit"},
                    "credits": {"$sum": "$lines.credit"},
                }
            },
        ]
        return {
            row["_id"]: (int(row["debits"]), int(row["credits"]))
            async for row in await self.transactions.aggregate(pipeline)
        }

    async def member_payments(self, community_id: ObjectId, since: datetime | None) -> dict[str, int]:
        """Member → money paid net of refunds (`member_amount` of payment and refund transactions)."""
        # community_occurred serves the first $match; the second keeps postings that name a member.
        match: Doc = {"community_id": community_id}
        if since is not None:
            match["occurred_at"] = {"$gte": since}
        pipeline: list[Doc] = [
            {"$match": match},
            {"$match": {"member_id": {"$ne": None}}},
            {"$group": {"_id": "$member_id", "paid": {"$sum": "$meta.member_amount"}}},
        ]
        return {
            str(row["_id"]): int(row["paid"])
            async for row in await self.transactions.aggregate(pipeline)
            if int(row["paid"]) != 0
        }

    async def list_between(self, community_id: ObjectId, start: datetime, end: datetime, kinds: list[str]) -> list[Doc]:
        # The window rides community_occurred; the kinds are picked here (a second field would scan).
        wanted = set(kinds)
        cursor = self.transactions.find({"community_id": community_id, "occurred_at": {"$gte": start, "$lt": end}})
        return [doc async for doc in cursor if doc.get("kind") in wanted]

    async def members_paid_before(
        self, community_id: ObjectId, member_ids: list[ObjectId], before: datetime, kinds: list[str]
    ) -> set[str]:
        """Which of these members had a transaction of these kinds before `before` (first-time payers' test)."""
        # community_occurred serves the first $match; member and kind are a second $match (in one, the planner scans).
        pipeline: list[Doc] = [
            {"$match": {"community_id": community_id, "occurred_at": {"$lt": before}}},
            {"$match": {"member_id": {"$in": member_ids}, "kind": {"$in": kinds}}},
            {"$group": {"_id": "$member_id"}},
        ]
        return {str(row["_id"]) async for row in await self.transactions.aggregate(pipeline)}

    async def mrr_postings_before(self, community_id: ObjectId, end: datetime) -> list[Doc]:
        """Transactions booked before `end` that move MRR (charges, upgrades, immediate cancels: `meta.mrr`)."""
        cursor = self.transactions.find(
            {"community_id": community_id, "occurred_at": {"$lt": end}}, {"meta": 1, "member_id": 1}
        )
        return [doc async for doc in cursor if "mrr" in (doc.get("meta") or {})]

    async def mrr_postings_for_subscription(
        self, community_id: ObjectId, subscription_id: ObjectId, session: Session | None = None
    ) -> list[Doc]:
        cursor = self.transactions.find(
            {"community_id": community_id, "meta.subscription_id": subscription_id}, {"meta": 1}, session=session
        )
        return [doc async for doc in cursor if "mrr" in (doc.get("meta") or {})]

    async def creator_payable(self, community_id: ObjectId, creator_id: ObjectId, session: Session) -> int:
        """What the community owes one creator: awards and shares booked to them less payouts made."""
        pipeline: list[Any] = [
            {"$match": {"community_id": community_id, "meta.creator_ids": creator_id}},
            {"$unwind": "$meta.creator_amounts"},
            {"$match": {"meta.creator_amounts.creator_id": creator_id}},
            {"$group": {"_id": None, "owed": {"$sum": "$meta.creator_amounts.amount"}}},
        ]
        rows = [row async for row in await self.transactions.aggregate(pipeline, session=session)]
        return int(rows[0]["owed"]) if rows else 0
