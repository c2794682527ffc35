"""Plans, subscriptions, coupons and memberships on the wire."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from billing_service.domain.plans import Interval, SubscriptionStatus
from infra.schemas import ApiInput, ApiModel, Id, UtcDatetime

IdempotencyKey = Annotated[str, StringConstraints(min_length=1, max_length=255)]
PaymentMethod = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Cents = Annotated[int, Field(ge=0, le=100_000_000_00)]
PositiveCents = Annotated[int, Field(ge=1, le=100_000_000_00)]
Currency = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{3}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class PlanCreate(ApiInput):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    # Integer minor units (fen, cents): money is never a float.
    price_cents: Cents
    currency: Currency
    interval: Interval
    trial_days: Annotated[int, Field(ge=0, le=90)] = 0
    benefits: list[Text] = Field(default_factory=list, max_length=20)


class PlanRead(ApiModel):
    id: str
    community_id: str
    name: str
    price_cents: int
    currency: str
    interval: Interval
    trial_days: int
    created_at: datetime
    benefits: list[str] = Field(default_factory=list)


class SubscriptionCreate(ApiInput):
    member_id: Id
    plan_id: Id
    idempotency_key: IdempotencyKey
    payment_method: PaymentMethod | None = None
    coupon_code: Text | None = None


class SubscriptionRead(ApiModel):
    id: str
    community_id: str
    member_id: str
    plan: PlanRead
    status: SubscriptionStatus
    current_period_start: datetime
    current_period_end: datetime
    created_at: datetime
    cancel_at_period_end: bool = False
    pending_plan_id: str | None = None
    access_blocked: bool = False
    latest_payment_id: str | None = None


class SubscriptionCancel(ApiInput):
    subscription_id: Id
    at_period_end: bool = True
    # Set when a member cancels: the subscription must be theirs. Operators leave it empty.
    member_id: Id | None = None


class PlanChange(ApiInput):
    subscription_id: Id
    plan_id: Id
    idempotency_key: IdempotencyKey
    member_id: Id | None = None
    payment_method: PaymentMethod | None = None


class SubscriptionList(ApiModel):
    items: list[SubscriptionRead]


CouponDuration = Annotated[str, StringConstraints(pattern=r"^(ONCE|FOREVER)$")]
PercentOff = Annotated[int, Field(ge=0, le=100)]
MAX_OFFER_MEMBERS = 1000


class CouponCreate(ApiInput):
    code: Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z0-9_-]{3,40}$")]
    percent_off: PercentOff = 0
    amount_off_cents: Cents = 0
    # ONCE: the first charge only; FOREVER: every charge of the subscription.
    duration: CouponDuration = "ONCE"
    max_redemptions: Annotated[int, Field(ge=1, le=1_000_000)] = 1000
    # The RFM layer (or any audience label) a batch offer is meant for; informational.
    audience: Text | None = None
    # Redeemable on these plans only (empty: any plan), and before this moment only (None: no expiry).
    plan_ids: list[Id] = Field(default_factory=list, max_length=100)
    expires_at: UtcDatetime | None = None


class CouponRead(ApiModel):
    id: str
    code: str
    percent_off: int
    amount_off_cents: int
    duration: str
    max_redemptions: int
    remaining: int
    audience: str | None = None
    plan_ids: list[str] = Field(default_factory=list)
    expires_at: datetime | None = None
    # A batch offer's coupon: redeemable by this member only.
    member_id: str | None = None
    offer_key: str | None = None


OfferKey = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z0-9_-]{3,30}$")]


class OfferTerms(ApiInput):
    """A batch offer's terms: each member it reaches gets a coupon of their own, redeemable once, by them only."""

    offer_key: OfferKey
    percent_off: PercentOff = 0
    amount_off_cents: Cents = 0
    duration: CouponDuration = "ONCE"
    plan_ids: list[Id] = Field(default_factory=list, max_length=100)
    expires_at: UtcDatetime | None = None
    audience: Text | None = None
    message: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] | None = None

    @model_validator(mode="after")
    def _some_discount(self) -> OfferTerms:
        if self.percent_off == 0 and self.amount_off_cents == 0:
            raise ValueError("an offer takes percentOff or amountOffCents")
        return self


class OfferIssue(OfferTerms):
    member_ids: list[Id] = Field(min_length=1, max_length=MAX_OFFER_MEMBERS)


class MemberCoupon(ApiModel):
    member_id: str
    code: str


class OfferIssued(ApiModel):
    offer_key: str
    issued: int
    already_issued: int
    coupons: list[MemberCoupon]


class MembershipLookup(ApiInput):
    member_ids: list[Id] = Field(max_length=500)


class SubscriptionLookupResult(ApiModel):
    """Each subscription in the order asked; None where the community holds none with that id."""

    subscriptions: list[SubscriptionRead | None]


class MembershipLookupResult(ApiModel):
    """Each member's live subscription, in the order asked; None where a member has none."""

    memberships: list[SubscriptionRead | None]


class PlanList(ApiModel):
    items: list[PlanRead]


class RevenueByMember(ApiModel):
    """Money each member has paid, in integer minor units, since a moment (the M of RFM)."""

    members: dict[str, int]


class NotificationRead(ApiModel):
    id: str
    kind: str
    subscription_id: str
    member_id: str
    message: str
    created_at: datetime


class NotificationList(ApiModel):
    items: list[NotificationRead]
