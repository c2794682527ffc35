"""UGC incentives: the monthly content-star award, pending payouts, and exposure boosts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from infra.schemas import ApiInput, ApiModel, Id

Month = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


class ContentStarRun(ApiInput):
    actor_id: Id
    month: Month


class AwardRead(ApiModel):
    member_id: str
    rank: int
    score: float
    amount_minor: int
    currency: str
    best_content_id: str


class ContentStarResult(ApiModel):
    month: str
    ran_at: datetime
    rerun: bool
    budget_minor: int
    awards: list[AwardRead]


class PendingPayout(ApiModel):
    id: str
    member_id: str
    month: str
    amount_minor: int
    currency: str
    status: str
    source: str
    created_at: datetime


class PendingPayoutList(ApiModel):
    items: list[PendingPayout]


class BoostGrant(ApiInput):
    actor_id: Id
    content_id: Id
    percent: Annotated[int, Field(ge=1, le=10_000)] | None = None
    days: Annotated[int, Field(ge=1, le=366)] | None = None
    reason: Annotated[str, StringConstraints(max_length=200)] = "operator"


class BoostRead(ApiModel):
    id: str
    content_id: str
    factor: float
    starts_at: datetime
    ends_at: datetime
    reason: str
