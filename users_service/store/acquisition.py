"""Acquisition's collections: `acquisition_spend`, `trial_programs` and `trial_enrollments`.

Sign-ups per channel are read from member documents through `MembersStore.signups_by_channel`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from infra.errors import ConflictError
from infra.indexes import IndexPlan
from users_service.schemas.acquisition import SpendRead, SpendTotal
from users_service.store.base import Doc, in_period


class AcquisitionStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.spend = db["acquisition_spend"]
        self.programs = db["trial_programs"]
        self.enrollments = db["trial_enrollments"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # sum_spend: a community's acquisition spend over a period.
        indexes.add(self.spend, [("community_id", ASCENDING), ("spent_at", ASCENDING)], name="community_spent_at")
        # list_programs: a community's programs, newest first.
        indexes.add(self.programs, [("community_id", ASCENDING), ("starts_at", DESCENDING)], name="community_at")
        # enroll: once per member and program; list_enrolled: a program's members.
        indexes.add(
            self.enrollments,
            [("community_id", ASCENDING), ("program_id", ASCENDING), ("member_id", ASCENDING)],
            unique=True,
            name="community_program_member_unique",
        )
        await indexes.create()

    # Spend

    async def create_spend(self, community_id: ObjectId, fields: Doc) -> SpendRead:
        doc: Doc = {"community_id": community_id, **fields, "created_at": datetime.now(UTC)}
        result = await self.spend.insert_one(doc)
        return SpendRead(
            id=str(result.inserted_id),
            channel=doc["channel"],
            amount_cents=doc["amount_cents"],
            currency=doc["currency"],
            spent_at=doc["spent_at"],
        )

    async def sum_spend(self, community_id: ObjectId, start: datetime | None, end: datetime | None) -> SpendTotal:
        match = in_period({"community_id": community_id}, "spent_at", start, end)
        pipeline: list[Doc] = [{"$match": match}, {"$group": {"_id": "$channel", "total": {"$sum": "$amount_cents"}}}]
        by_channel = {row["_id"]: int(row["total"]) async for row in await self.spend.aggregate(pipeline)}
        return SpendTotal(spend_cents=sum(by_channel.values()), by_channel=by_channel)

    # Trial programs

    async def create_program(self, community_id: ObjectId, fields: Doc) -> Doc:
        doc: Doc = {"community_id": community_id, **fields, "created_at": datetime.now(UTC)}
        doc["_id"] = (await self.programs.insert_one(doc)).inserted_id
        return doc

    async def get_program(self, community_id: ObjectId, program_id: ObjectId) -> Doc | None:
        return await self.programs.find_one({"_id": program_id, "community_id": community_id})

    async def list_programs(self, community_id: ObjectId, *, limit: int) -> list[Doc]:
        cursor = self.programs.find({"community_id": community_id}).sort("starts_at", DESCENDING).limit(limit)
        return [doc async for doc in cursor]

    async def enroll(self, community_id: ObjectId, program_id: ObjectId, member_id: ObjectId) -> None:
        try:
            await self.enrollments.insert_one(
                {
                    "community_id": community_id,
                    "program_id": program_id,
                    "member_id": member_id,
                    "enrolled_at": datetime.now(UTC),
                }
            )
        except DuplicateKeyError as exc:
            raise ConflictError("this member is already in this program", field="programId") from exc

    async def list_enrolled(self, community_id: ObjectId, program_id: ObjectId) -> list[str]:
        cursor = self.enrollments.find({"community_id": community_id, "program_id": program_id}, {"member_id": 1})
        return [str(doc["member_id"]) async for doc in cursor]
