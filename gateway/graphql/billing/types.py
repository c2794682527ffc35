"""Object types of billing: plans, subscriptions, payments, invoices, deals, the ledger and the report."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.types.lazy_type import LazyType

from billing_service import schemas as s
from billing_service.schemas import (
    PlanRead,
    SubscriptionRead,
)
from gateway.context import Info
from gateway.graphql.billing.enums import InvoiceKind, InvoiceStatus, PaymentStatus, PlanInterval, SubscriptionStatus
from gateway.graphql.links import link_community, member_link, scoped_link
from gateway.graphql.models import from_model
from users_service.schemas import MemberRead

# The users types import these (a member's membership), so the member links name `User` lazily, by module.
LINKED_USER: Any = Annotated["User", strawberry.lazy("gateway.graphql.users.types")] | None  # noqa: F821
USER: Any = LazyType("User", "gateway.graphql.users.types")


def as_user(read: MemberRead) -> Any:
    """The `User` object of a member read (the class resolved on first use, when every module has loaded)."""
    return USER.resolve_type().from_read(read)


@strawberry.type
class SubscribePayload:
    subscription: Subscription


@strawberry.type
class Payment:
    id: strawberry.ID
    member_id: strawberry.ID | None
    status: str = strawberry.field(
        description="PENDING, SUCCEEDED or FAILED.",
        deprecation_reason="Use `paymentStatus`, the same value as an enum.",
    )
    amount_cents: int
    currency: str
    purpose: str
    refunded_cents: int
    invoice_id: strawberry.ID | None
    decline_reason: str | None
    created_at: datetime

    @strawberry.field(
        description="The paying member; null for a payment without one or when their account no longer exists.",
        graphql_type=LINKED_USER,
    )
    async def member(self, info: Info) -> Any:
        return await member_link(info, self.member_id, as_user)

    @strawberry.field(description="PENDING until the provider answers, then SUCCEEDED or FAILED for good.")
    def payment_status(self) -> PaymentStatus:
        return PaymentStatus(self.status)

    @strawberry.field(description="The invoice `invoiceId` names; null before one is issued.")
    async def invoice(self, info: Info) -> Invoice | None:
        read = await scoped_link(info, info.context.loaders.invoice_by_id, self.invoice_id)
        return Invoice.from_read(read) if read else None

    @staticmethod
    def from_read(read: s.PaymentRead) -> Payment:
        return Payment(
            id=strawberry.ID(read.id),
            member_id=strawberry.ID(read.member_id) if read.member_id else None,
            status=read.status,
            amount_cents=read.amount_cents,
            currency=read.currency,
            purpose=read.purpose,
            refunded_cents=read.refunded_cents,
            invoice_id=strawberry.ID(read.invoice_id) if read.invoice_id else None,
            decline_reason=read.decline_reason,
            created_at=read.created_at,
        )


@strawberry.type
class Product:
    id: strawberry.ID
    name: str
    kind: str = strawberry.field(description="COURSE, CONSULTATION or REPORT.")
    price_cents: int
    currency: str

    @staticmethod
    def from_read(read: s.ProductRead) -> Product:
        return Product(
            id=strawberry.ID(read.id),
            name=read.name,
            kind=read.kind,
            price_cents=read.price_cents,
            currency=read.currency,
        )


@strawberry.type(description="An ad campaign or a data-service contract.")
class Deal:
    id: strawberry.ID
    kind: str = strawberry.field(description="AD_CAMPAIGN or DATA_CONTRACT.")
    counterparty: str
    amount_cents: int
    currency: str
    received_cents: int
    creator_share_cents: int
    starts_at: datetime | None
    ends_at: datetime | None

    @staticmethod
    def from_read(read: s.DealRead) -> Deal:
        return Deal(
            id=strawberry.ID(read.id),
            kind=read.kind,
            counterparty=read.counterparty,
            amount_cents=read.amount_cents,
            currency=read.currency,
            received_cents=read.received_cents,
            creator_share_cents=read.creator_share_cents,
            starts_at=read.starts_at,
            ends_at=read.ends_at,
        )


@strawberry.experimental.pydantic.type(
    model=s.LedgerRecordRead, all_fields=True, description="What a receipt, award, payout or cost posted to the ledger."
)
class LedgerRecord:
    id: strawberry.ID


@strawberry.experimental.pydantic.type(model=s.InvoiceLine, all_fields=True)
class InvoiceLine:
    pass


@strawberry.type
class Invoice:
    id: strawberry.ID
    kind: str = strawberry.field(
        description="INVOICE or CREDIT_NOTE.", deprecation_reason="Use `invoiceKind`, the same value as an enum."
    )
    status: str = strawberry.field(
        description="DRAFT, OPEN, PAID, VOID or (credit notes) ISSUED.",
        deprecation_reason="Use `invoiceStatus`, the same value as an enum.",
    )
    number: str | None = strawberry.field(description="Null on drafts; per community, without gaps.")
    customer: str
    member_id: strawberry.ID | None
    currency: str
    lines: list[InvoiceLine]
    subtotal_cents: int
    tax_cents: int
    total_cents: int
    payment_id: strawberry.ID | None
    credit_note_for: strawberry.ID | None
    created_at: datetime
    finalized_at: datetime | None

    @strawberry.field(
        description="The member invoiced; null for another customer or when their account no longer exists.",
        graphql_type=LINKED_USER,
    )
    async def member(self, info: Info) -> Any:
        return await member_link(info, self.member_id, as_user)

    @strawberry.field(description="An INVOICE, or a CREDIT_NOTE that refunds the invoice `creditNoteFor` names.")
    def invoice_kind(self) -> InvoiceKind:
        return InvoiceKind(self.kind)

    @strawberry.field(description="DRAFT -> OPEN -> PAID, or VOID before payment; a credit note is ISSUED at once.")
    def invoice_status(self) -> InvoiceStatus:
        return InvoiceStatus(self.status)

    @strawberry.field(description="The payment `paymentId` names; null for an invoice not tied to one.")
    async def payment(self, info: Info) -> Payment | None:
        read = await scoped_link(info, info.context.loaders.payment_by_id, self.payment_id)
        return Payment.from_read(read) if read else None

    @staticmethod
    def from_read(read: s.InvoiceRead) -> Invoice:
        return Invoice(
            id=strawberry.ID(read.id),
            kind=read.kind,
            status=read.status,
            number=read.number,
            customer=read.customer,
            member_id=strawberry.ID(read.member_id) if read.member_id else None,
            currency=read.currency,
            lines=[from_model(InvoiceLine, line) for line in read.lines],
            subtotal_cents=read.subtotal_cents,
            tax_cents=read.tax_cents,
            total_cents=read.total_cents,
            payment_id=strawberry.ID(read.payment_id) if read.payment_id else None,
            credit_note_for=strawberry.ID(read.credit_note_for) if read.credit_note_for else None,
            created_at=read.created_at,
            finalized_at=read.finalized_at,
        )


@strawberry.type
class InvoicePdf:
    filename: str
    content_base64: str = strawberry.field(description="The PDF file, base64-encoded.")


@strawberry.type
class AccountBalance:
    account: str
    debits: int
    credits: int
    balance: int = strawberry.field(description="On the account's normal side (assets, costs: debits - credits).")


@strawberry.type(description="Every account's debits and credits; totalDebits equals totalCredits.")
class TrialBalance:
    accounts: list[AccountBalance]
    total_debits: int
    total_credits: int

    @staticmethod
    def from_read(read: s.TrialBalance) -> TrialBalance:
        return TrialBalance(
            accounts=[AccountBalance(**a.model_dump()) for a in read.accounts],
            total_debits=read.total_debits,
            total_credits=read.total_credits,
        )


@strawberry.experimental.pydantic.type(model=s.StreamShare, all_fields=True)
class StreamShare:
    pass


@strawberry.experimental.pydantic.type(model=s.PlanBreakdown, all_fields=True)
class PlanBreakdown:
    plan_id: strawberry.ID


@strawberry.experimental.pydantic.type(
    model=s.TierBreakdown, all_fields=True, description="Money paid in the period by members of one value tier."
)
class TierBreakdown:
    pass


@strawberry.experimental.pydantic.type(
    model=s.LayerBreakdown,
    all_fields=True,
    description="Money paid in the period by members of one RFM pyramid layer.",
)
class LayerBreakdown:
    pass


@strawberry.experimental.pydantic.type(
    model=s.Funnel,
    all_fields=True,
    description="Engaged members -> paying members -> value-added buyers (target 12.7%).",
)
class Funnel:
    pass


@strawberry.experimental.pydantic.type(
    model=s.RevenueReport,
    all_fields=True,
    description="Revenue analytics for a period; definitions in docs/billing.md.",
)
class RevenueReport:
    pass


@strawberry.experimental.pydantic.type(model=s.CouponRead, all_fields=True)
class Coupon:
    id: strawberry.ID


@strawberry.type
class BillingNotification:
    id: strawberry.ID
    kind: str = strawberry.field(description="PAYMENT_FAILED, FINAL_NOTICE, ACCESS_BLOCKED or CANCELED.")
    subscription_id: strawberry.ID
    member_id: strawberry.ID
    message: str
    created_at: datetime

    @strawberry.field(
        description="The member notified; null when their account no longer exists.", graphql_type=LINKED_USER
    )
    async def member(self, info: Info) -> Any:
        return await member_link(info, self.member_id, as_user)

    @strawberry.field(description="The subscription `subscriptionId` names.")
    async def subscription(self, info: Info) -> Subscription | None:
        read = await scoped_link(info, info.context.loaders.subscription_by_id, self.subscription_id)
        return Subscription.from_read(read) if read else None


@strawberry.experimental.pydantic.type(model=s.CycleResult, all_fields=True)
class BillingCycleResult:
    pass


@strawberry.type
class Plan:
    id: strawberry.ID
    name: str
    price_cents: int = strawberry.field(description="Price in integer minor units of `currency`.")
    currency: str
    interval: PlanInterval
    trial_days: int
    benefits: list[str]

    @staticmethod
    def from_read(read: PlanRead) -> Plan:
        return Plan(
            id=strawberry.ID(read.id),
            name=read.name,
            price_cents=read.price_cents,
            currency=read.currency,
            interval=PlanInterval(read.interval.value),
            trial_days=read.trial_days,
            benefits=read.benefits,
        )


@strawberry.type
class Subscription:
    id: strawberry.ID
    status: SubscriptionStatus
    plan: Plan
    current_period_start: datetime
    current_period_end: datetime
    member_id: strawberry.ID
    cancel_at_period_end: bool
    pending_plan_id: strawberry.ID | None = strawberry.field(description="A downgrade that applies at period end.")
    access_blocked: bool = strawberry.field(description="True from dunning day 14 until paid.")
    latest_payment_id: strawberry.ID | None

    @strawberry.field(description="The subscriber; null when their account no longer exists.", graphql_type=LINKED_USER)
    async def member(self, info: Info) -> Any:
        return await member_link(info, self.member_id, as_user)

    @strawberry.field(description="The payment `latestPaymentId` names: the last charge of this subscription.")
    async def latest_payment(self, info: Info) -> Payment | None:
        read = await scoped_link(info, info.context.loaders.payment_by_id, self.latest_payment_id)
        return Payment.from_read(read) if read else None

    @strawberry.field(description="The plan `pendingPlanId` names: the downgrade that applies at period end.")
    async def pending_plan(self, info: Info) -> Plan | None:
        community_id = link_community(info)
        if not self.pending_plan_id or not community_id:
            return None
        plans = await info.context.loaders.plans_by_community.load(community_id)
        return next((Plan.from_read(p) for p in plans if p.id == self.pending_plan_id), None)

    @staticmethod
    def from_read(read: SubscriptionRead) -> Subscription:
        return Subscription(
            id=strawberry.ID(read.id),
            status=SubscriptionStatus(read.status.value),
            plan=Plan.from_read(read.plan),
            current_period_start=read.current_period_start,
            current_period_end=read.current_period_end,
            member_id=strawberry.ID(read.member_id),
            cancel_at_period_end=read.cancel_at_period_end,
            pending_plan_id=strawberry.ID(read.pending_plan_id) if read.pending_plan_id else None,
            access_blocked=read.access_blocked,
            latest_payment_id=strawberry.ID(read.latest_payment_id) if read.latest_payment_id else None,
        )


@strawberry.type(description="A member's live subscription: what they hold now.")
class Membership:
    subscription_id: strawberry.ID
    status: SubscriptionStatus
    plan: Plan
    current_period_end: datetime
    cancel_at_period_end: bool
    access_blocked: bool = strawberry.field(description="Dunning blocked access: benefits are withheld until paid.")

    @staticmethod
    def from_read(read: SubscriptionRead) -> Membership:
        return Membership(
            subscription_id=strawberry.ID(read.id),
            status=SubscriptionStatus(read.status.value),
            plan=Plan.from_read(read.plan),
            current_period_end=read.current_period_end,
            cancel_at_period_end=read.cancel_at_period_end,
            access_blocked=read.access_blocked,
        )
