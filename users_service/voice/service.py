"""NPS rules: surveys open and close, one answer per member, reports per period, tier and layer."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime

from bson import ObjectId

from infra.errors import ConflictError, NotFoundError
from infra.schemas import object_id
from users_service.domain.layers import Layer
from users_service.domain.tiers import Tier
from users_service.store import UsersStore
from users_service.voice.nps import tally
from users_service.voice.schemas import (
    NpsRead,
    NpsReport,
    ResponseCreate,
    ResponseRead,
    SurveyCreate,
    SurveyRead,
)
from users_service.voice.store import VoiceStore


class VoiceService:
    def __init__(self, store: VoiceStore, users: UsersStore, *, excellent_above: float) -> None:
        self.store = store
        self.users = users
        self.excellent_above = excellent_above

    async def _community(self, community_id: str) -> ObjectId:
        cid = object_id(community_id, field="communityId")
        if await self.users.get_community(cid) is None:
            raise NotFoundError(f"no community with id {community_id}", field="communityId")
        return cid

    async def _survey_or_raise(self, cid: ObjectId, survey_id: str) -> SurveyRead:
        survey = await self.store.get_survey(cid, object_id(survey_id, field="surveyId"))
        if survey is None:
            raise NotFoundError(f"no survey with id {survey_id} in this community", field="surveyId")
        return survey

    async def create_survey(self, community_id: str, survey_in: SurveyCreate) -> SurveyRead:
        cid = await self._community(community_id)
        return await self.store.create_survey(cid, survey_in.title, survey_in.question)

    async def close_survey(self, community_id: str, survey_id: str) -> SurveyRead:
        cid = object_id(community_id, field="communityId")
        await self._survey_or_raise(cid, survey_id)
        closed = await self.store.close_survey(cid, ObjectId(survey_id))
        assert closed is not None
        return closed

    async def list_surveys(self, community_id: str, *, limit: int) -> list[SurveyRead]:
        return await self.store.list_surveys(object_id(community_id, field="communityId"), limit=limit)

    async def respond(self, community_id: str, survey_id: str, response_in: ResponseCreate) -> ResponseRead:
        """Record an answer with the member's tier and layer as they are now, so it can be traced later."""
        cid = object_id(community_id, field="communityId")
        survey = await self._survey_or_raise(cid, survey_id)
        if not survey.open:
            raise ConflictError("this survey is closed", field="surveyId")
        member = await self.users.get_member(cid, object_id(response_in.member_id, field="memberId"))
        if member is None:
            raise NotFoundError("no such member in this community", field="memberId")
        return await self.store.create_response(
            {
                "community_id": cid,
                "survey_id": ObjectId(survey.id),
                "member_id": ObjectId(member.id),
                "score": response_in.score,
                "comment": response_in.comment or None,
                "tier": member.tier.value,
                "rfm_layer": member.rfm_layer.value,
                "responded_at": datetime.now(UTC),
            }
        )

    async def list_responses(self, community_id: str, survey_id: str | None, *, limit: int) -> list[ResponseRead]:
        cid = object_id(community_id, field="communityId")
        sid = object_id(survey_id, field="surveyId") if survey_id else None
        return await self.store.list_responses(cid, sid, since=None, limit=limit)

    async def report(self, community_id: str, survey_id: str | None, since: datetime | None) -> NpsReport:
        cid = await self._community(community_id)
        sid = ObjectId((await self._survey_or_raise(cid, survey_id)).id) if survey_id else None
        responses = await self.store.list_responses(cid, sid, since=since, limit=None)

        def grouped(key: Callable[[ResponseRead], str], order: list[str] | None = None) -> list[NpsRead]:
            groups: dict[str, list[int]] = defaultdict(list)
            for r in responses:
                groups[key(r)].append(r.score)
            keys = [k for k in order if k in groups] if order else sorted(groups)
            return [self._read(k, groups[k]) for k in keys]

        return NpsReport(
            excellent_above=self.excellent_above,
            overall=self._read("ALL", [r.score for r in responses]),
            by_period=grouped(lambda r: f"{r.responded_at:%Y-%m}"),
            by_tier=grouped(lambda r: r.tier.value, [t.value for t in Tier]),
            by_layer=grouped(lambda r: r.rfm_layer.value, [layer.value for layer in Layer]),
        )

    def _read(self, key: str, scores: list[int]) -> NpsRead:
        counted = tally(scores)
        nps = counted.nps
        return NpsRead(
            key=key,
            responses=counted.responses,
            promoters=counted.promoters,
            passives=counted.passives,
            detractors=counted.detractors,
            nps=nps,
            excellent=nps is not None and nps > self.excellent_above,
        )
