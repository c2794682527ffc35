"""NPS: operators run surveys and read the score per period, tier and layer; members answer."""

from __future__ import annotations

from datetime import datetime

import strawberry

from gateway.context import Info
from gateway.graphql.enums import Tier
from gateway.graphql.pagination import check_first
from gateway.graphql.types import User
from gateway.graphql.users_enums import RfmLayer
from gateway.graphql.users_value import COMMUNITY_ARG
from users_service.voice.schemas import NpsRead, ResponseCreate, ResponseRead, SurveyCreate, SurveyRead


@strawberry.type
class NpsSurvey:
    id: strawberry.ID
    title: str
    question: str
    open: bool
    created_at: datetime

    @staticmethod
    def from_read(read: SurveyRead) -> NpsSurvey:
        return NpsSurvey(
            id=strawberry.ID(read.id),
            title=read.title,
            question=read.question,
            open=read.open,
            created_at=read.created_at,
        )


@strawberry.type(description="One answer, traced to the member's tier and RFM layer when they answered.")
class NpsResponse:
    id: strawberry.ID
    survey_id: strawberry.ID
    score: int
    comment: str | None
    tier_at_response: Tier
    rfm_layer_at_response: RfmLayer
    responded_at: datetime
    member_id: strawberry.Private[str]
    community_id: strawberry.Private[str]

    @strawberry.field(description="Null when the member no longer exists.")
    async def member(self, info: Info) -> User | None:
        read = await info.context.loaders.member_by_id.load((self.community_id, self.member_id))
        return User.from_read(read) if read else None

    @staticmethod
    def from_read(read: ResponseRead, community_id: str) -> NpsResponse:
        return NpsResponse(
            id=strawberry.ID(read.id),
            survey_id=strawberry.ID(read.survey_id),
            score=read.score,
            comment=read.comment,
            tier_at_response=Tier(read.tier.value),
            rfm_layer_at_response=RfmLayer(read.rfm_layer.value),
            responded_at=read.responded_at,
            member_id=read.member_id,
            community_id=community_id,
        )


@strawberry.type(description="NPS of a group: % promoters (9-10) minus % detractors (0-6).")
class NpsScore:
    key: str = strawberry.field(description="ALL, a month (YYYY-MM), a tier or a layer.")
    responses: int
    promoters: int
    passives: int
    detractors: int
    nps: float | None
    excellent: bool = strawberry.field(description="Above the playbook's bar (NPS > 40).")

    @staticmethod
    def from_read(read: NpsRead) -> NpsScore:
        return NpsScore(
            key=read.key,
            responses=read.responses,
            promoters=read.promoters,
            passives=read.passives,
            detractors=read.detractors,
            nps=read.nps,
            excellent=read.excellent,
        )


@strawberry.type
class NpsReport:
    excellent_above: float
    overall: NpsScore
    by_period: list[NpsScore]
    by_tier: list[NpsScore]
    by_layer: list[NpsScore]


@strawberry.input
class CreateNpsSurveyInput:
    community_id: strawberry.ID | None = strawberry.field(default=None, description=COMMUNITY_ARG)
    title: str
    question: str | None = None


@strawberry.input
class CloseNpsSurveyInput:
    community_id: strawberry.ID | None = strawberry.field(default=None, description=COMMUNITY_ARG)
    survey_id: strawberry.ID


@strawberry.input
class RespondToNpsSurveyInput:
    survey_id: strawberry.ID
    score: int = strawberry.field(description="0-10.")
    comment: str | None = None


@strawberry.type
class VoiceQuery:
    @strawberry.field(description="Surveys of the caller's community, newest first.")
    async def nps_surveys(
        self, info: Info, first: int = 20, community_id: strawberry.ID | None = None
    ) -> list[NpsSurvey]:
        cid = await info.context.reader_community(community_id)
        surveys = await info.context.services.users.list_nps_surveys(cid, limit=check_first(first))
        return [NpsSurvey.from_read(s) for s in surveys]

    @strawberry.field(description="Operators: NPS overall, per month, per tier and per layer (one survey or all).")
    async def nps_report(
        self,
        info: Info,
        survey_id: strawberry.ID | None = None,
        since: datetime | None = None,
        community_id: strawberry.ID | None = None,
    ) -> NpsReport:
        cid = await info.context.operator_community(community_id)
        read = await info.context.services.users.nps_report(cid, str(survey_id) if survey_id else None, since)
        return NpsReport(
            excellent_above=read.excellent_above,
            overall=NpsScore.from_read(read.overall),
            by_period=[NpsScore.from_read(s) for s in read.by_period],
            by_tier=[NpsScore.from_read(s) for s in read.by_tier],
            by_layer=[NpsScore.from_read(s) for s in read.by_layer],
        )

    @strawberry.field(description="Operators: answers, newest first, with the tier each member had then.")
    async def nps_responses(
        self,
        info: Info,
        survey_id: strawberry.ID | None = None,
        first: int = 20,
        community_id: strawberry.ID | None = None,
    ) -> list[NpsResponse]:
        cid = await info.context.operator_community(community_id)
        responses = await info.context.services.users.list_nps_responses(
            cid, str(survey_id) if survey_id else None, limit=check_first(first)
        )
        return [NpsResponse.from_read(r, cid) for r in responses]


@strawberry.type
class VoiceMutation:
    @strawberry.mutation(description="Operators: open an NPS survey.")
    async def create_nps_survey(self, info: Info, input: CreateNpsSurveyInput) -> NpsSurvey:
        cid = await info.context.operator_community(input.community_id)
        survey_in = SurveyCreate.model_validate(
            {"title": input.title, **({"question": input.question} if input.question else {})}
        )
        return NpsSurvey.from_read(await info.context.services.users.create_nps_survey(cid, survey_in))

    @strawberry.mutation(description="Operators: stop taking answers.")
    async def close_nps_survey(self, info: Info, input: CloseNpsSurveyInput) -> NpsSurvey:
        cid = await info.context.operator_community(input.community_id)
        return NpsSurvey.from_read(await info.context.services.users.close_nps_survey(cid, str(input.survey_id)))

    @strawberry.mutation(description="Members: answer a survey of their community once (0-10 and a comment).")
    async def respond_to_nps_survey(self, info: Info, input: RespondToNpsSurveyInput) -> NpsResponse:
        member = await info.context.require_member()
        response_in = ResponseCreate(member_id=member.id, score=input.score, comment=input.comment)
        read = await info.context.services.users.respond_nps(member.community_id, str(input.survey_id), response_in)
        return NpsResponse.from_read(read, member.community_id)
