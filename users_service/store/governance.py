"""Governance's collection: `proposals`, moved from step to step only from where the caller saw them.

Who sits on the committee and the expert panel is read from member documents through `MembersStore`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from infra.indexes import IndexPlan
from users_service.schemas.governance import ProposalRead, StepRead
from users_service.store.base import Doc


def _step(doc: Doc | None) -> StepRead | None:
    if not doc:
        return None
    return StepRead(by=str(doc["by"]) if doc.get("by") else None, note=doc.get("note"), at=doc["at"])


def _proposal(doc: Doc) -> ProposalRead:
    return ProposalRead(
        id=str(doc["_id"]),
        author_id=str(doc["author_id"]),
        title=doc["title"],
        body=doc["body"],
        status=doc["status"],
        created_at=doc["created_at"],
        recommendation=(doc.get("review") or {}).get("recommendation"),
        review=_step(doc.get("review")),
        decision=_step(doc.get("decision")),
        feedback=_step(doc.get("feedback")),
    )


class GovernanceStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.proposals = db["proposals"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # list_proposals (by status or all), count_by_status: a community's proposals, newest first.
        indexes.add(
            self.proposals,
            [("community_id", ASCENDING), ("status", ASCENDING), ("created_at", DESCENDING)],
            name="community_status_at",
        )
        indexes.add(self.proposals, [("community_id", ASCENDING), ("created_at", DESCENDING)], name="community_at")
        await indexes.create()

    async def create_proposal(self, community_id: ObjectId, author_id: ObjectId, title: str, body: str) -> ProposalRead:
        doc: Doc = {
            "community_id": community_id,
            "author_id": author_id,
            "title": title,
            "body": body,
            "status": "SUBMITTED",
            "created_at": datetime.now(UTC),
        }
        doc["_id"] = (await self.proposals.insert_one(doc)).inserted_id
        return _proposal(doc)

    async def get_proposal(self, community_id: ObjectId, proposal_id: ObjectId) -> ProposalRead | None:
        doc = await self.proposals.find_one({"_id": proposal_id, "community_id": community_id})
        return _proposal(doc) if doc else None

    async def advance(
        self,
        community_id: ObjectId,
        proposal_id: ObjectId,
        *,
        expected: str,
        status: str,
        step: str,
        record: Mapping[str, object],
    ) -> ProposalRead | None:
        """Move a proposal on only if it is still where the caller saw it (no lost concurrent step)."""
        doc = await self.proposals.find_one_and_update(
            {"_id": proposal_id, "community_id": community_id, "status": expected},
            {"$set": {"status": status, step: {**record, "at": datetime.now(UTC)}}},
            return_document=ReturnDocument.AFTER,
        )
        return _proposal(doc) if doc else None

    async def list_proposals(self, community_id: ObjectId, status: str | None, *, limit: int) -> list[ProposalRead]:
        query: Doc = {"community_id": community_id}
        if status:
            query["status"] = status
        cursor = self.proposals.find(query).sort("created_at", DESCENDING).limit(limit)
        return [_proposal(doc) async for doc in cursor]

    async def count_by_status(self, community_id: ObjectId) -> dict[str, int]:
        pipeline: list[Doc] = [
            {"$match": {"community_id": community_id}},
            {"$group": {"_id": "$status", "n": {"$sum": 1}}},
        ]
        return {row["_id"]: int(row["n"]) async for row in await self.proposals.aggregate(pipeline)}
