"""Inputs of the billing mutations."""

from __future__ import annotations

from datetime import datetime

import strawberry

from gateway.graphql.billing.enums import PlanInterval


@strawberry.input
class CreatePlanInput:
    community_id: strawberry.ID | None = strawberry.field(
        default=None, description="Required with the admin key; an operator's token implies their community."
    )
    name: str
    price_cents: int
    currency: str
    interval: PlanInterval
    trial_days: int = 0
    benefits: list[str] | None = None


@strawberry.input
class SubscribeInput:
    plan_id: strawberry.ID
    idempotency_key: str = strawberry.field(
        description="Up to 255 characters, scoped to the caller: a replay returns the first result."
    )
    payment_method: str | None = strawberry.field(
        default=None,
        description="A provider token (sandbox: tok_success, tok_decline, tok_timeout, tok_delayed). Without one a "
        "plan with a trial starts it; outside production the sandbox's default method is charged.",
    )
    coupon_code: str | None = None


@strawberry.input
class CancelSubscriptionInput:
    subscription_id: strawberry.ID
    at_period_end: bool = strawberry.field(
        default=True, description="True: benefits until the period ends, no renewal. False: ends now, no refund."
    )
    community_id: strawberry.ID | None = None


@strawberry.input
class ChangePlanInput:
    subscription_id: strawberry.ID
    plan_id: strawberry.ID
    idempotency_key: str
    payment_method: str | None = None
    community_id: strawberry.ID | None = None


@strawberry.input
class CreateCouponInput:
    code: str
    percent_off: int = 0
    amount_off_cents: int = 0
    duration: str = strawberry.field(default="ONCE", description="ONCE (first charge) or FOREVER.")
    max_redemptions: int = 1000
    audience: str | None = strawberry.field(default=None, description="E.g. the RFM layer a batch offer targets.")
    community_id: strawberry.ID | None = None
    plan_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Redeemable on these plans only; omitted: any plan."
    )
    expires_at: datetime | None = strawberry.field(default=None, description="Redeemable before then; omitted: ever.")


@strawberry.input
class RunBillingCycleInput:
    now: datetime | None = strawberry.field(default=None, description="The cycle's clock (tests, catch-up runs).")


@strawberry.input
class CreateProductInput:
    name: str
    kind: str = strawberry.field(description="COURSE, CONSULTATION or REPORT.")
    price_cents: int
    currency: str
    community_id: strawberry.ID | None = None


@strawberry.input
class PurchaseInput:
    product_id: strawberry.ID
    idempotency_key: str
    payment_method: str | None = None


@strawberry.input
class CreatorShareInput:
    creator_id: strawberry.ID
    share_bps: int = strawberry.field(description="Share of the net in basis points (1500 = 15%).")


@strawberry.input
class BookAdCampaignInput:
    advertiser: str
    amount_cents: int
    currency: str
    idempotency_key: str
    creator_shares: list[CreatorShareInput] | None = None
    community_id: strawberry.ID | None = None


@strawberry.input
class SignDataContractInput:
    partner: str
    amount_cents: int
    currency: str
    starts_at: datetime
    ends_at: datetime
    idempotency_key: str
    community_id: strawberry.ID | None = None


@strawberry.input
class RecordReceiptInput:
    deal_id: strawberry.ID
    amount_cents: int
    idempotency_key: str
    community_id: strawberry.ID | None = None


@strawberry.input
class AwardCreatorInput:
    creator_id: strawberry.ID
    amount_cents: int
    reason: str
    idempotency_key: str
    community_id: strawberry.ID | None = None


@strawberry.input
class PayCreatorInput:
    creator_id: strawberry.ID
    amount_cents: int
    idempotency_key: str
    community_id: strawberry.ID | None = None


@strawberry.input
class RecordCostInput:
    amount_cents: int
    description: str
    idempotency_key: str
    category: str = strawberry.field(default="DELIVERY", description="DELIVERY, CREATOR_AWARDS or PAYMENT_FEES.")
    incurred_at: datetime | None = None
    community_id: strawberry.ID | None = None


@strawberry.input
class RefundPaymentInput:
    payment_id: strawberry.ID
    idempotency_key: str
    amount_cents: int | None = strawberry.field(default=None, description="Omit for a full refund.")
    reason: str = "requested by customer"
    community_id: strawberry.ID | None = None


@strawberry.input
class InvoiceLineInput:
    description: str
    unit_cents: int
    quantity: int = 1


@strawberry.input
class CreateInvoiceDraftInput:
    customer: str
    currency: str
    lines: list[InvoiceLineInput]
    member_id: strawberry.ID | None = None
    community_id: strawberry.ID | None = None


@strawberry.input
class FinalizeInvoiceInput:
    invoice_id: strawberry.ID
    community_id: strawberry.ID | None = None


@strawberry.input
class VoidInvoiceInput:
    invoice_id: strawberry.ID
    community_id: strawberry.ID | None = None
