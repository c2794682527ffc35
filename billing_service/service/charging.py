"""Payments: charge through the provider, settle once (by answer or by webhook), book the ledger and invoice.

Steps of a payment: (1) intent - the payment document, PENDING, written with the business record and the
idempotency record in one transaction; (2) charge - the provider call, keyed by the payment's key so that the
provider never charges twice; (3) settle - one transaction moves the payment out of PENDING, posts the ledger,
issues the numbered invoice and applies the business effect. A crash between any two steps leaves a PENDING
payment that the next attempt (a retried request, the scheduler, or the provider's webhook) completes.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from billing_service.domain.ledger import Account, sale_lines
from billing_service.payments.faults import FaultPoints
from billing_service.payments.provider import ChargeResult, ChargeStatus, PaymentProvider, ProviderTimeoutError
from billing_service.schemas import WebhookAck
from billing_service.service.invoices import InvoiceService
from billing_service.service.metrics import PAYMENTS_SETTLED
from billing_service.service.webhook_events import payment_succeeded
from billing_service.store import BillingStore, Doc, Session
from infra.errors import BadInputError, NotFoundError, UnavailableError
from infra.logging import get_logger

Handler = Callable[[Session, Doc], Awaitable[None]]


@dataclass(frozen=True)
class Fulfilment:
    """What a payment's purpose does once the money is in (or definitely not)."""

    succeeded: Handler
    failed: Handler


PAYMENT_NOT_FOUND = "no payment with this id in this community"


def count_settled(settled: bool, result: ChargeResult) -> None:
    if settled:
        PAYMENTS_SETTLED.labels(outcome=result.status.value.lower()).inc()


log = get_logger(__name__)


class PaymentFlow:
    def __init__(
        self,
        store: BillingStore,
        provider: PaymentProvider,
        invoices: InvoiceService,
        *,
        tax_rate_bps: int,
        faults: FaultPoints | None = None,
    ) -> None:
        self.store = store
        self.provider = provider
        self.invoices = invoices
        self.tax_rate_bps = tax_rate_bps
        self.faults = faults or FaultPoints()
        self.fulfilments: dict[str, Fulfilment] = {}

    def register(self, purpose: str, fulfilment: Fulfilment) -> None:
        self.fulfilments[purpose] = fulfilment

    async def payment_or_raise(self, cid: ObjectId, payment_id: ObjectId) -> Doc:
        """The payment, or the one not-found error for payments."""
        payment = await self.store.payments.get(cid, payment_id)
        if payment is None:
            raise NotFoundError(PAYMENT_NOT_FOUND, field="paymentId")
        return payment

    async def create_intent(self, session: Session | None, doc: Doc) -> Doc:
        return await self.store.payments.create(session, {**doc, "status": "PENDING", "provider": self.provider.name})

    async def collect(self, payment: Doc) -> Doc:
        """Charge a PENDING payment (again, if need be: the provider dedupes by key) and settle it."""
        if payment["status"] != "PENDING":
            return payment
        self.faults.check("after_intent")
        try:
            result = await self.provider.charge(
                key=payment["key"],
                amount_cents=payment["amount_cents"],
                currency=payment["currency"],
                method=payment["method"],
            )
        except ProviderTimeoutError as exc:
            raise UnavailableError("the payment provider did not answer; retry with the same idempotency key") from exc
        self.faults.check("after_charge")
        async with self.invoices.numbering(payment["community_id"]):
            settled: bool = await self.store.transaction(lambda session: self.settle(session, payment, result))
        count_settled(settled, result)
        self.faults.check("after_finalize")
        return await self.payment_or_raise(payment["community_id"], payment["_id"])

    async def reconcile(self, payment: Doc) -> bool:
        """Settle a payment a crash left PENDING by what the provider knows of its key: the charge made, or - when
        none was made - a decline that closes the key. False while the provider itself is still pending."""
        try:
            result = await self.provider.resolve(key=payment["key"])
        except ProviderTimeoutError:
            return False
        if result.status == ChargeStatus.PENDING:
            return False
        async with self.invoices.numbering(payment["community_id"]):
            settled = await self.store.transaction(lambda session: self.settle(session, payment, result))
        count_settled(settled, result)
        return settled

    async def settle(self, session: Session, payment: Doc, result: ChargeResult) -> bool:
        """Apply the provider's answer once; False when the payment was settled before (replay, webhook)."""
        fulfilment = self.fulfilments[payment["purpose"]["type"]]
        if result.status == ChargeStatus.PENDING:
            return False
        if result.status == ChargeStatus.SUCCEEDED:
            fields = {"charge_id": result.charge_id, "fee_cents": result.fee_cents}
            if not await self.store.payments.settle(session, payment, "SUCCEEDED", fields):
                return False
            await fulfilment.succeeded(session, {**payment, **fields, "status": "SUCCEEDED"})
            await self.store.outbox.add([payment_succeeded(payment)], session=session)
            return True
        fields = {"charge_id": result.charge_id, "decline_reason": result.decline_reason or "declined"}
        if not await self.store.payments.settle(session, payment, "FAILED", fields):
            return False
        await fulfilment.failed(session, {**payment, **fields, "status": "FAILED"})
        return True

    async def book_sale(
        self,
        session: Session,
        payment: Doc,
        *,
        income: Account,
        kind: str,
        description: str,
        customer: str,
        meta: Doc,
    ) -> Doc:
        """The ledger transaction and the paid invoice of a settled payment, in the settling transaction."""
        gross, fee = payment["amount_cents"], payment.get("fee_cents", 0)
        lines = sale_lines(gross=gross, fee=fee, tax_rate_bps=self.tax_rate_bps, income=income)
        await self.store.ledger.post(
            session,
            community_id=payment["community_id"],
            posting_id=f"payment:{payment['_id']}",
            kind=kind,
            lines=lines,
            occurred_at=payment.get("occurred_at") or datetime.now(UTC),
            member_id=payment.get("member_id"),
            meta={**meta, "member_amount": gross, "payment_id": payment["_id"]},
        )
        invoice = await self.invoices.issue(
            session,
            community_id=payment["community_id"],
            kind="INVOICE",
            customer=customer,
            member_id=payment.get("member_id"),
            currency=payment["currency"],
            lines=[{"description": description, "quantity": 1, "unit_cents": gross, "amount_cents": gross}],
            payment_id=payment["_id"],
        )
        await self.store.payments.set_invoice(session, payment, invoice["_id"])
        return invoice

    async def receive_webhook(self, body: bytes, headers: dict[str, str]) -> WebhookAck:
        """Verify, de-duplicate by event id, and settle - the event record and its effect in one transaction."""
        event = self.provider.verify_webhook(body, {k.lower(): v for k, v in headers.items()}, now=time.time())
        event_id, event_type = str(event.get("id", "")), str(event.get("type", ""))
        data = event.get("data")
        if not event_id or not isinstance(data, dict):
            raise BadInputError("webhook event without id or data", field="body")
        payment = await self.store.payments.get_by_key_any(str(data.get("key", "")))
        result = _event_result(event_type, data)
        mismatch = _mismatch(payment, data) if payment is not None and result is not None else None
        if payment is not None and mismatch is not None:
            # A signed event that disagrees with the payment is forged or misrouted: it settles nothing.
            log.warning("billing_webhook_refused", event_id=event_id, payment_id=str(payment["_id"]), mismatch=mismatch)
            raise BadInputError(f"webhook {mismatch} does not match the payment", field="body")

        async def apply(session: Session) -> bool:
            await self.store.payments.record_event(session, self.provider.name, event_id, event_type)
            if payment is not None and result is not None:
                return await self.settle(session, payment, result)
            return False

        try:
            if payment is None or payment["status"] != "PENDING":
                settled: bool = await self.store.transaction(apply)
            else:
                async with self.invoices.numbering(payment["community_id"]):
                    settled = await self.store.transaction(apply)
        except DuplicateKeyError:
            return WebhookAck(received=True, duplicate=True)
        if result is not None:
            count_settled(settled, result)
        return WebhookAck(received=True, duplicate=False)


def _mismatch(payment: Doc, data: dict[str, object]) -> str | None:
    """Which of the event's amount and currency differ from the payment's (a missing one differs too)."""
    if data.get("amountCents") != payment["amount_cents"]:
        return "amount"
    if data.get("currency") != payment["currency"]:
        return "currency"
    return None


def _event_result(event_type: str, data: dict[str, object]) -> ChargeResult | None:
    charge_id = str(data.get("chargeId", ""))
    fee = data.get("feeCents", 0)
    fee_cents = fee if isinstance(fee, int) else 0
    if event_type == "charge.succeeded":
        return ChargeResult(charge_id, ChargeStatus.SUCCEEDED, fee_cents)
    if event_type == "charge.failed":
        return ChargeResult(charge_id, ChargeStatus.DECLINED, 0, "declined")
    return None


def payment_key(*parts: object) -> str:
    return ":".join(str(part) for part in parts)
