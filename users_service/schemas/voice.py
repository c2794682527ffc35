"""NPS on the wire: surveys, answers and reports."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from infra.schemas import ApiInput, ApiModel, Id
from users_service.domain.layers import Layer
from users_service.domain.tiers import Tier

__all__ = [
    "DEFAULT_QUESTION",
    "NpsRead",
    "NpsReport",
    "ResponseCreate",
    "ResponseList",
    "ResponseRead",
    "SurveyCreate",
    "SurveyList",
    "SurveyRead",
]

DEFAULT_QUESTION = "How likely are you to recommend this community to a friend or colleague?"


class SurveyCreate(ApiInput):
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    question: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)] = DEFAULT_QUESTION


class SurveyRead(ApiModel):
    id: str
    title: str
    question: str
    open: bool
    created_at: datetime


class SurveyList(ApiModel):
    surveys: list[SurveyRead]


class ResponseCreate(ApiInput):
    member_id: Id
    score: Annotated[int, Field(ge=0, le=10)]
    comment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None


class ResponseRead(ApiModel):
    """One answer, with the member's tier and RFM layer when they answered."""

    id: str
    survey_id: str
    member_id: str
    score: int
    comment: str | None
    tier: Tier
    rfm_layer: Layer
    responded_at: datetime


class ResponseList(ApiModel):
    responses: list[ResponseRead]


class NpsRead(ApiModel):
    key: str  # the period (YYYY-MM), tier or layer; "ALL" for the whole
    responses: int
    promoters: int
    passives: int
    detractors: int
    nps: float | None
    excellent: bool  # above the playbook's bar


class NpsReport(ApiModel):
    excellent_above: float
    overall: NpsRead
    by_period: list[NpsRead]
    by_tier: list[NpsRead]
    by_layer: list[NpsRead]
