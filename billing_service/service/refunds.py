"""Refunds: the provider gives money back, the ledger reverses it, a numbered credit note records it."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId

import billing_service.service.render as render
from billing_service.domain.ledger import Account, Line, credit, debit, split_tax
from billing_service.payments.provider import ProviderTimeoutError
from billing_service.schemas import InvoiceRead, RefundCreate
from billing_service.service.charging import PaymentFlow
from billing_service.service.idempotency import IdempotentRunner
from billing_service.store import BillingStore, Doc, Session
from infra.errors import BadInputError, NotFoundError, UnavailableError
from infra.schemas import object_id

INCOME = {
    "subscription_start": Account.REVENUE_MEMBERSHIP,
    "renewal": Account.REVENUE_MEMBERSHIP,
    "upgrade": Account.REVENUE_MEMBERSHIP,
    "purchase": Account.REVENUE_VALUE_ADDED,
}


class RefundService:
    def __init__(self, store: BillingStore, flow: PaymentFlow, runner: IdempotentRunner) -> None:
        self.store = store
        self.flow = flow
        self.runner = runner

    async def refund(self, cid: ObjectId, refund_in: RefundCreate) -> InvoiceRead:
        """Full (no amount) or partial refund of a succeeded payment; returns the credit note."""

        async def prepare() -> tuple[Doc, int]:
            payment = await self.store.payments.get(cid, object_id(refund_in.payment_id, field="paymentId"))
            if payment is None or payment["status"] != "SUCCEEDED":
                raise NotFoundError("no succeeded payment with this id here", field="paymentId")
            amount = refund_in.amount_cents or payment["amount_cents"] - payment.get("refunded_cents", 0)
            if amount <= 0 or amount > payment["amount_cents"] - payment.get("refunded_cents", 0):
                raise BadInputError("the refund exceeds what is left of the payment", field="amountCents")
            return payment, amount

        async def start(session: Session, prepared: tuple[Doc, int]) -> Doc:
            payment, amount = prepared
            return {"payment_id": payment["_id"], "amount": amount, "refund_id": ObjectId()}

        async def proceed(ref: Doc) -> Doc:
            payment = await self.flow.payment_or_raise(cid, ref["payment_id"])
            try:
                await self.flow.provider.refund(
                    key=f"refund:{ref['refund_id']}", charge_id=payment["charge_id"], amount_cents=ref["amount"]
                )
            except ProviderTimeoutError as exc:
                raise UnavailableError("the payment provider did not answer; retry with the same key") from exc
            async with self.flow.invoices.numbering(cid):
                note = await self.store.transaction(lambda s: self._book(s, payment, ref, refund_in.reason))
            return render.invoice(note).to_wire()

        body = await self.runner.run(
            community_id=cid,
            scope="operator",
            key=refund_in.idempotency_key,
            params={"op": "refund", **refund_in.model_dump(mode="json", exclude={"idempotency_key"})},
            prepare=prepare,
            start=start,
            proceed=proceed,
        )
        return InvoiceRead.model_validate(body)

    async def _book(self, session: Session, payment: Doc, ref: Doc, reason: str) -> Doc:
        posting_id = f"refund:{ref['refund_id']}"
        done = await self.store.ledger.get_by_posting_id(payment["community_id"], posting_id)
        if done is not None:
            note = await self.store.invoices.get(payment["community_id"], done["meta"]["credit_note_id"], session)
            if note is not None:
                return note
        amount = ref["amount"]
        if not await self.store.payments.add_refund(session, payment, amount):
            raise BadInputError("the refund exceeds what is left of the payment", field="amountCents")
        net, tax = split_tax(amount, self.flow.tax_rate_bps)
        lines: list[Line] = [debit(Account.TAX_PAYABLE, tax), credit(Account.CASH, amount)]
        income = INCOME[payment["purpose"]["type"]]
        if income == Account.REVENUE_MEMBERSHIP:
            # Unearned first: what is still deferred for this charge, then what was already recognised.
            schedule = await self.store.commerce.get_schedule_by_source(
                payment["community_id"], f"payment:{payment['_id']}", session
            )
            unearned = max(schedule["amount"] - schedule["recognised"], 0) if schedule and schedule["open"] else 0
            from_deferred = min(unearned, net)
            if schedule is not None and from_deferred:
                await self.store.commerce.shrink_schedule(session, schedule, from_deferred)
            lines += [debit(Account.DEFERRED_REVENUE, from_deferred), debit(income, net - from_deferred)]
        else:
            lines.append(debit(income, net))
        note = await self.flow.invoices.issue(
            session,
            community_id=payment["community_id"],
            kind="CREDIT_NOTE",
            customer=str(payment.get("member_id")),
            member_id=payment.get("member_id"),
            currency=payment["currency"],
            lines=[{"description": f"Refund: {reason}", "quantity": 1, "unit_cents": amount, "amount_cents": amount}],
            payment_id=payment["_id"],
            credit_note_for=payment.get("invoice_id"),
            status="ISSUED",
        )
        await self.store.ledger.post(
            session,
            community_id=payment["community_id"],
            posting_id=posting_id,
            kind="refund",
            lines=lines,
            occurred_at=datetime.now(UTC),
            member_id=payment.get("member_id"),
            meta={
                "member_amount": -amount,
                "payment_id": payment["_id"],
                "credit_note_id": note["_id"],
                "stream": "MEMBERSHIP" if income == Account.REVENUE_MEMBERSHIP else "VALUE_ADDED",
            },
            reverses=f"payment:{payment['_id']}",
        )
        return note
