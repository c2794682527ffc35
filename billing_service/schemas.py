"""What billing_service accepts and returns; shared with `BillingClient`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from billing_service.domain.plans import Interval, SubscriptionStatus
from infra.schemas import ApiInput, ApiModel, Id

IdempotencyKey = Annotated[str, StringConstraints(min_length=1, max_length=255)]


class PlanCreate(ApiInput):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    # Integer minor units (fen, cents): money is never a float.
    price_cents: Annotated[int, Field(ge=0, le=100_000_000_00)]
    currency: Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{3}$")]
    interval: Interval
    trial_days: Annotated[int, Field(ge=0, le=90)] = 0


class PlanRead(ApiModel):
    id: str
    community_id: str
    name: str
    price_cents: int
    currency: str
    interval: Interval
    trial_days: int
    created_at: datetime


class SubscriptionCreate(ApiInput):
    member_id: Id
    plan_id: Id
    idempotency_key: IdempotencyKey


class SubscriptionRead(ApiModel):
    id: str
    community_id: str
    member_id: str
    plan: PlanRead
    status: SubscriptionStatus
    current_period_start: datetime
    current_period_end: datetime
    created_at: datetime


class MembershipLookup(ApiInput):
    member_ids: list[Id] = Field(max_length=500)


class MembershipLookupResult(ApiModel):
    """Each member's live subscription, in the order asked; None where a member has none."""

    memberships: list[SubscriptionRead | None]


class PlanList(ApiModel):
    items: list[PlanRead]


class RevenueByMember(ApiModel):
    """Money each member has paid, in integer minor units, since a moment (the M of RFM)."""

    members: dict[str, int]
