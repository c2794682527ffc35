"""Payments, purchases, deals, payouts, costs, refunds, invoices and the ledger's reports on the wire."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from billing_service.domain.statuses import InvoiceKind, InvoiceStatus, PaymentStatus
from billing_service.schemas.plans import Cents, Currency, IdempotencyKey, PaymentMethod, PositiveCents, Text
from infra.schemas import ApiInput, ApiModel, Id

ProductKind = Annotated[str, StringConstraints(pattern=r"^(COURSE|CONSULTATION|REPORT)$")]
CostCategory = Annotated[str, StringConstraints(pattern=r"^(DELIVERY|CREATOR_AWARDS|PAYMENT_FEES)$")]


class PaymentRead(ApiModel):
    id: str
    member_id: str | None
    status: PaymentStatus
    amount_cents: int
    currency: str
    purpose: str
    refunded_cents: int
    invoice_id: str | None = None
    decline_reason: str | None = None
    created_at: datetime


class ProductCreate(ApiInput):
    name: Text
    kind: ProductKind
    price_cents: PositiveCents
    currency: Currency


class ProductRead(ApiModel):
    id: str
    name: str
    kind: str
    price_cents: int
    currency: str


class ProductList(ApiModel):
    items: list[ProductRead]


class PurchaseCreate(ApiInput):
    member_id: Id
    product_id: Id
    idempotency_key: IdempotencyKey
    payment_method: PaymentMethod | None = None


class CreatorShare(ApiInput):
    creator_id: Id
    share_bps: Annotated[int, Field(ge=1, le=10_000)]


class AdCampaignCreate(ApiInput):
    advertiser: Text
    amount_cents: PositiveCents
    currency: Currency
    creator_shares: list[CreatorShare] = Field(default_factory=list, max_length=50)
    idempotency_key: IdempotencyKey


class DataContractCreate(ApiInput):
    partner: Text
    amount_cents: PositiveCents
    currency: Currency
    starts_at: datetime
    ends_at: datetime
    idempotency_key: IdempotencyKey


class DealRead(ApiModel):
    id: str
    kind: str
    counterparty: str
    amount_cents: int
    currency: str
    received_cents: int
    creator_share_cents: int
    starts_at: datetime | None = None
    ends_at: datetime | None = None


class DealList(ApiModel):
    items: list[DealRead]


class ReceiptCreate(ApiInput):
    deal_id: Id
    amount_cents: PositiveCents
    idempotency_key: IdempotencyKey


class CreatorAwardCreate(ApiInput):
    creator_id: Id
    amount_cents: PositiveCents
    reason: Text
    idempotency_key: IdempotencyKey


class CreatorPayoutCreate(ApiInput):
    creator_id: Id
    amount_cents: PositiveCents
    idempotency_key: IdempotencyKey


class CostCreate(ApiInput):
    category: CostCategory = "DELIVERY"
    amount_cents: PositiveCents
    description: Text
    idempotency_key: IdempotencyKey
    incurred_at: datetime | None = None


class LedgerRecordRead(ApiModel):
    """What a deal receipt, award, payout or cost recorded: its posting id and amount."""

    id: str
    kind: str
    posting_id: str
    amount_cents: int


class RefundCreate(ApiInput):
    payment_id: Id
    amount_cents: PositiveCents | None = None
    reason: Text = "requested by customer"
    idempotency_key: IdempotencyKey


class InvoiceLine(ApiModel):
    description: str
    quantity: int
    unit_cents: int
    amount_cents: int


class InvoiceLineIn(ApiInput):
    description: Text
    quantity: Annotated[int, Field(ge=1, le=10_000)] = 1
    unit_cents: Cents


class InvoiceDraftCreate(ApiInput):
    customer: Text
    currency: Currency
    lines: list[InvoiceLineIn] = Field(min_length=1, max_length=100)
    member_id: Id | None = None


class InvoiceRead(ApiModel):
    id: str
    kind: InvoiceKind
    status: InvoiceStatus
    number: str | None
    customer: str
    member_id: str | None
    currency: str
    lines: list[InvoiceLine]
    subtotal_cents: int
    tax_cents: int
    total_cents: int
    payment_id: str | None = None
    credit_note_for: str | None = None
    created_at: datetime
    finalized_at: datetime | None = None


class InvoiceList(ApiModel):
    items: list[InvoiceRead]


class InvoicePdf(ApiModel):
    filename: str
    content_base64: str


class AccountBalance(ApiModel):
    account: str
    debits: int
    credits: int
    balance: int


class TrialBalance(ApiModel):
    accounts: list[AccountBalance]
    total_debits: int
    total_credits: int


class CycleRun(ApiInput):
    now: datetime | None = None


class CycleResult(ApiModel):
    renewed: int
    failed: int
    canceled: int
    expired: int
    trials_converted: int
    plan_changes: int
    recognition_postings: int


class WebhookAck(ApiModel):
    received: bool
    duplicate: bool


class IdLookup(ApiInput):
    """Payments, invoices or subscriptions by id, for a list that links to them (one call, however long)."""

    ids: list[Id] = Field(max_length=500)


class PaymentLookupResult(ApiModel):
    """Each payment in the order asked; None where the community holds none with that id."""

    payments: list[PaymentRead | None]


class InvoiceLookupResult(ApiModel):
    """Each invoice or credit note in the order asked; None where the community holds none with that id."""

    invoices: list[InvoiceRead | None]
