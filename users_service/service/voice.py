"""NPS rules: surveys open and close, one answer per member, reports per period, tier and layer."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime

from bson import ObjectId

from infra.errors import ConflictError, NotFoundError
from users_service.domain.layers import Layer
from users_service.domain.nps import tally
from users_service.domain.tiers import Tier
from users_service.schemas.voice import (
    NpsRead,
    NpsReport,
    ResponseCreate,
    ResponseRead,
    SurveyCreate,
    SurveyRead,
)
from users_service.service.communities import CommunitiesService
from users_service.service.members import MembersService
from users_service.store.voice import VoiceStore


class SurveyNotFound(NotFoundError):
    """No NPS survey with this id in the community."""


class VoiceService:
    def __init__(
        self,
        store: VoiceStore,
        communities: CommunitiesService,
        members: MembersService,
        *,
        excellent_above: float,
    ) -> None:
        self.store = store
        self.communities = communities
        self.members = members
        self.excellent_above = excellent_above

    async def get_survey_or_raise(self, cid: ObjectId, survey_id: ObjectId) -> SurveyRead:
        survey = await self.store.get_survey(cid, survey_id)
        if survey is None:
            raise SurveyNotFound(f"no survey with id {survey_id} in this community", field="surveyId")
        return survey

    async def create_survey(self, cid: ObjectId, survey_in: SurveyCreate) -> SurveyRead:
        await self.communities.get_or_raise(cid)
        return await self.store.create_survey(cid, survey_in.title, survey_in.question)

    async def close_survey(self, cid: ObjectId, survey_id: ObjectId) -> SurveyRead:
        closed = await self.store.close_survey(cid, survey_id)
        if closed is None:
            raise SurveyNotFound(f"no survey with id {survey_id} in this community", field="surveyId")
        return closed

    async def list_surveys(self, cid: ObjectId, *, limit: int) -> list[SurveyRead]:
        return await self.store.list_surveys(cid, limit=limit)

    async def respond(self, cid: ObjectId, survey_id: ObjectId, response_in: ResponseCreate) -> ResponseRead:
        """Record an answer with the member's tier and layer as they are now, so it can be traced later."""
        survey = await self.get_survey_or_raise(cid, survey_id)
        if not survey.open:
            raise ConflictError("this survey is closed", field="surveyId")
        member = await self.members.get_or_raise(cid, ObjectId(response_in.member_id))
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

    async def list_responses(self, cid: ObjectId, survey_id: ObjectId | None, *, limit: int) -> list[ResponseRead]:
        return await self.store.list_responses(cid, survey_id, since=None, limit=limit)

    async def responses_since(self, cid: ObjectId, since: datetime) -> list[ResponseRead]:
        """Every answer to any survey since a moment (the health breakdowns group them by the member's segment)."""
        return await self.store.list_responses(cid, None, since=since, limit=None)

    async def report(self, cid: ObjectId, survey_id: ObjectId | None, since: datetime | None) -> NpsReport:
        await self.communities.get_or_raise(cid)
        if survey_id is not None:
            await self.get_survey_or_raise(cid, survey_id)
        responses = await self.store.list_responses(cid, survey_id, since=since, limit=None)

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
