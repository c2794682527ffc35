"""Acquisition's MongoDB access: sign-ups per channel, trial programs and their enrollments."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from infra.errors import ConflictError

Doc = dict[str, Any]


class AcquisitionStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.members = db["members"]
        self.programs = db["trial_programs"]
        self.enrollments = db["trial_enrollments"]

    async def ensure_indexes(self) -> None:
        # signups_by_channel reads community_joined (community_id, joined_at), made by the stage store.
        # list_programs: a community's programs, newest first.
        await self.programs.create_index([("community_id", ASCENDING), ("starts_at", DESCENDING)], name="community_at")
        # enroll: once per member and program; list_enrolled: a program's members.
        await self.enrollments.create_index(
            [("community_id", ASCENDING), ("program_id", ASCENDING), ("member_id", ASCENDING)],
            unique=True,
            name="community_program_member_unique",
        )

    async def signups_by_channel(
        self, community_id: ObjectId, start: datetime | None, end: datetime | None
    ) -> dict[str, tuple[int, int | None]]:
        """Channel → (sign-ups, mean predicted LTV of those with a prediction); no channel counts as OTHER."""
        match: Doc = {"community_id": community_id}
        window: Doc = {}
        if start is not None:
            window["$gte"] = start
        if end is not None:
            window["$lt"] = end
        if window:
            match["joined_at"] = window
        pipeline: list[Doc] = [
            {"$match": match},
            {
                "$group": {
                    "_id": {"$ifNull": ["$channel", "OTHER"]},
                    "n": {"$sum": 1},
                    "ltv": {"$avg": "$ltv_cents"},
                }
            },
        ]
        return {
            row["_id"]: (int(row["n"]), round(row["ltv"]) if row.get("ltv") is not None else None)
            async for row in await self.members.aggregate(pipeline)
        }

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
