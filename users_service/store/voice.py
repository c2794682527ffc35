"""NPS's collections: `nps_surveys` and `nps_responses`, each read scoped by community."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from infra.errors import ConflictError
from infra.indexes import IndexPlan
from users_service.schemas.voice import ResponseRead, SurveyRead
from users_service.store.base import Doc


def _survey(doc: Doc) -> SurveyRead:
    return SurveyRead(
        id=str(doc["_id"]), title=doc["title"], question=doc["question"], open=doc["open"], created_at=doc["created_at"]
    )


def _response(doc: Doc) -> ResponseRead:
    return ResponseRead(
        id=str(doc["_id"]),
        survey_id=str(doc["survey_id"]),
        member_id=str(doc["member_id"]),
        score=doc["score"],
        comment=doc.get("comment"),
        tier=doc["tier"],
        rfm_layer=doc["rfm_layer"],
        responded_at=doc["responded_at"],
    )


class VoiceStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.surveys = db["nps_surveys"]
        self.responses = db["nps_responses"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # list_surveys: a community's surveys, newest first.
        indexes.add(self.surveys, [("community_id", ASCENDING), ("created_at", DESCENDING)], name="community_at")
        # create_response: one answer per member and survey; list_responses: a survey's answers over time.
        indexes.add(
            self.responses,
            [("community_id", ASCENDING), ("survey_id", ASCENDING), ("member_id", ASCENDING)],
            unique=True,
            name="community_survey_member_unique",
        )
        indexes.add(
            self.responses,
            [("community_id", ASCENDING), ("survey_id", ASCENDING), ("responded_at", DESCENDING)],
            name="community_survey_at",
        )
        # list_responses without a survey: the community's answers over time.
        indexes.add(self.responses, [("community_id", ASCENDING), ("responded_at", DESCENDING)], name="community_at")
        await indexes.create()

    async def create_survey(self, community_id: ObjectId, title: str, question: str) -> SurveyRead:
        doc: Doc = {
            "community_id": community_id,
            "title": title,
            "question": question,
            "open": True,
            "created_at": datetime.now(UTC),
        }
        doc["_id"] = (await self.surveys.insert_one(doc)).inserted_id
        return _survey(doc)

    async def get_survey(self, community_id: ObjectId, survey_id: ObjectId) -> SurveyRead | None:
        doc = await self.surveys.find_one({"_id": survey_id, "community_id": community_id})
        return _survey(doc) if doc else None

    async def close_survey(self, community_id: ObjectId, survey_id: ObjectId) -> SurveyRead | None:
        doc = await self.surveys.find_one_and_update(
            {"_id": survey_id, "community_id": community_id}, {"$set": {"open": False}}, return_document=True
        )
        return _survey(doc) if doc else None

    async def list_surveys(self, community_id: ObjectId, *, limit: int) -> list[SurveyRead]:
        cursor = self.surveys.find({"community_id": community_id}).sort("created_at", DESCENDING).limit(limit)
        return [_survey(doc) async for doc in cursor]

    async def create_response(self, doc: Doc) -> ResponseRead:
        try:
            doc["_id"] = (await self.responses.insert_one(doc)).inserted_id
        except DuplicateKeyError as exc:
            raise ConflictError("this member has already answered this survey", field="surveyId") from exc
        return _response(doc)

    async def list_responses(
        self, community_id: ObjectId, survey_id: ObjectId | None, *, since: datetime | None, limit: int | None
    ) -> list[ResponseRead]:
        query: Doc = {"community_id": community_id}
        if survey_id is not None:
            query["survey_id"] = survey_id
        if since is not None:
            query["responded_at"] = {"$gte": since}
        cursor = self.responses.find(query).sort("responded_at", DESCENDING)
        if limit is not None:
            cursor = cursor.limit(limit)
        return [_response(doc) async for doc in cursor]
