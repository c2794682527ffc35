"""Stored documents as the models billing returns."""

from __future__ import annotations

from billing_service.schemas import (
    CouponRead,
    DealRead,
    InvoiceLine,
    InvoiceRead,
    PaymentRead,
    PlanRead,
    ProductRead,
    SubscriptionRead,
)
from billing_service.store import Doc


def plan(doc: Doc) -> PlanRead:
    return PlanRead(
        id=str(doc["_id"]),
        community_id=str(doc["community_id"]),
        name=doc["name"],
        price_cents=doc["price_cents"],
        currency=doc["currency"],
        interval=doc["interval"],
        trial_days=doc.get("trial_days", 0),
        created_at=doc["created_at"],
        benefits=doc.get("benefits", []),
    )


def subscription(doc: Doc, plan_doc: Doc) -> SubscriptionRead:
    pending = doc.get("pending_plan_id")
    latest = doc.get("latest_payment_id")
    return SubscriptionRead(
        id=str(doc["_id"]),
        community_id=str(doc["community_id"]),
        member_id=str(doc["member_id"]),
        plan=plan(plan_doc),
        status=doc["status"],
        current_period_start=doc["current_period_start"],
        current_period_end=doc["current_period_end"],
        created_at=doc["created_at"],
        cancel_at_period_end=doc.get("cancel_at_period_end", False),
        pending_plan_id=str(pending) if pending else None,
        access_blocked=doc.get("access_blocked", False),
        latest_payment_id=str(latest) if latest else None,
    )


def payment(doc: Doc) -> PaymentRead:
    return PaymentRead(
        id=str(doc["_id"]),
        member_id=str(doc["member_id"]) if doc.get("member_id") else None,
        status=doc["status"],
        amount_cents=doc["amount_cents"],
        currency=doc["currency"],
        purpose=doc["purpose"]["type"],
        refunded_cents=doc.get("refunded_cents", 0),
        invoice_id=str(doc["invoice_id"]) if doc.get("invoice_id") else None,
        decline_reason=doc.get("decline_reason"),
        created_at=doc["created_at"],
    )


def invoice(doc: Doc) -> InvoiceRead:
    return InvoiceRead(
        id=str(doc["_id"]),
        kind=doc["kind"],
        status=doc["status"],
        number=doc.get("number"),
        customer=doc["customer"],
        member_id=str(doc["member_id"]) if doc.get("member_id") else None,
        currency=doc["currency"],
        lines=[InvoiceLine(**line) for line in doc["lines"]],
        subtotal_cents=doc["subtotal_cents"],
        tax_cents=doc["tax_cents"],
        total_cents=doc["total_cents"],
        payment_id=str(doc["payment_id"]) if doc.get("payment_id") else None,
        credit_note_for=str(doc["credit_note_for"]) if doc.get("credit_note_for") else None,
        created_at=doc["created_at"],
        finalized_at=doc.get("finalized_at"),
    )


def product(doc: Doc) -> ProductRead:
    return ProductRead(
        id=str(doc["_id"]), name=doc["name"], kind=doc["kind"], price_cents=doc["price_cents"], currency=doc["currency"]
    )


def deal(doc: Doc) -> DealRead:
    return DealRead(
        id=str(doc["_id"]),
        kind=doc["kind"],
        counterparty=doc["counterparty"],
        amount_cents=doc["amount_cents"],
        currency=doc["currency"],
        received_cents=doc.get("received_cents", 0),
        creator_share_cents=doc.get("creator_share_cents", 0),
        starts_at=doc.get("starts_at"),
        ends_at=doc.get("ends_at"),
    )


def coupon(doc: Doc) -> CouponRead:
    return CouponRead(
        id=str(doc["_id"]),
        code=doc["code"],
        percent_off=doc["percent_off"],
        amount_off_cents=doc["amount_off_cents"],
        duration=doc["duration"],
        max_redemptions=doc["max_redemptions"],
        remaining=doc["remaining"],
        audience=doc.get("audience"),
        plan_ids=[str(p) for p in doc.get("plan_ids") or ()],
        expires_at=doc.get("expires_at"),
        member_id=str(doc["member_id"]) if doc.get("member_id") else None,
        offer_key=doc.get("offer_key"),
    )
