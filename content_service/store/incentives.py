"""Incentives: content-star runs, pending payouts and exposure boosts."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from content_service.store.base import Doc, Session
from infra.indexes import IndexPlan
from infra.moments import as_utc


class IncentivesStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.runs = db["content_star_runs"]
        self.payouts = db["pending_payouts"]
        self.boosts = db["boosts"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # get_run: one run per community and month (the _id is "<community>:<month>").
        # insert payouts: one payout per community, month, member and source, whatever re-runs happen.
        indexes.add(
            self.payouts,
            [("community_id", ASCENDING), ("month", ASCENDING), ("member_id", ASCENDING), ("source", ASCENDING)],
            name="one_payout_per_member_month",
            unique=True,
        )
        # list_payouts: a community's payouts by status.
        indexes.add(self.payouts, [("community_id", ASCENDING), ("status", ASCENDING)], name="community_status")
        # list_active_boosts (the candidate generator's `boosted` source): a community's boosts still running.
        indexes.add(self.boosts, [("community_id", ASCENDING), ("ends_at", ASCENDING)], name="community_ends")
        await indexes.create()

    async def insert_run(self, doc: Doc, *, session: Session) -> None:
        """The run's `_id` is "<community>:<month>": a second run of the month fails here, inside its transaction."""
        await self.runs.insert_one(doc, session=session)

    async def insert_payouts(self, docs: list[Doc], *, session: Session) -> None:
        await self.payouts.insert_many(docs, session=session)

    async def mark_payout_awarded(self, community_id: str, payout_id: str) -> None:
        """The award is booked in billing's ledger: the payout is owed there now, no longer pending here."""
        await self.payouts.update_one(
            {"_id": ObjectId(payout_id), "community_id": ObjectId(community_id)},
            {"$set": {"status": "AWARDED"}},
        )

    async def insert_boosts(self, docs: list[Doc], *, session: Session) -> None:
        await self.boosts.insert_many(docs, session=session)

    async def insert_boost(self, doc: Doc, *, session: Session) -> ObjectId:
        result = await self.boosts.insert_one(doc, session=session)
        return ObjectId(result.inserted_id)

    async def get_run(self, run_id: str) -> Doc | None:
        return await self.runs.find_one({"_id": run_id})

    async def list_payouts(self, community_id: ObjectId, *, status: str | None, limit: int) -> list[Doc]:
        query: Doc = {"community_id": community_id}
        if status:
            query["status"] = status
        cursor = self.payouts.find(query).sort("created_at", -1).limit(limit)
        return [d async for d in cursor]

    async def list_active_boosts(self, community_id: ObjectId) -> dict[str, float]:
        """Content id → the highest factor among its boosts running now, for every boosted piece of the community."""
        now = datetime.now(UTC)
        # Exactly equality on community and one range on ends_at (the index's fields): a condition on starts_at too
        # leaves SecantusDB's planner without an index, so a boost not yet started is skipped here.
        cursor = self.boosts.find(
            {"community_id": community_id, "ends_at": {"$gt": now}},
            {"content_id": 1, "factor": 1, "starts_at": 1, "ends_at": 1},
        )
        return _running([d async for d in cursor], now)


def _running(boosts: list[Doc], now: datetime) -> dict[str, float]:
    """Content id → the highest factor among the boosts running at `now` (started, not yet ended)."""
    out: dict[str, float] = {}
    for d in boosts:
        if not as_utc(d["starts_at"]) <= now < as_utc(d["ends_at"]):
            continue
        key = str(d["content_id"])
        out[key] = max(out.get(key, 1.0), float(d["factor"]))
    return out
