"""Invoices and credit notes: drafts unnumbered, numbers per community without gaps, PDF rendering."""

from __future__ import annotations

import asyncio
import base64
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime

import anyio.to_thread
from bson import ObjectId

import billing_service.service.render as render
from billing_service.domain.ledger import split_tax
from billing_service.schemas import InvoiceDraftCreate, InvoiceList, InvoicePdf, InvoiceRead
from billing_service.service.invoice_pdf import find_cjk_font, render_invoice
from billing_service.service.members import MemberCheck
from billing_service.store import BillingStore, Doc, Session
from infra.errors import ConflictError, NotFoundError

SERIES = {"INVOICE": "INV", "CREDIT_NOTE": "CN"}


def format_number(series: str, seq: int) -> str:
    return f"{series}-{seq:06d}"


class InvoiceService:
    def __init__(
        self, store: BillingStore, members: MemberCheck, *, tax_rate_bps: int, cjk_font: str | None = None
    ) -> None:
        self.store = store
        self.members = members
        self.tax_rate_bps = tax_rate_bps
        self.cjk_font = cjk_font
        self._locks: dict[ObjectId, asyncio.Lock] = defaultdict(asyncio.Lock)

    def numbering(self, community_id: ObjectId) -> asyncio.Lock:
        """Transactions that number a community's invoices queue here in this process.

        Correctness does not depend on it (the counter moves inside each transaction, so concurrent processes
        stay gapless); it only spares the database a storm of write conflicts on the counter document.
        """
        return self._locks[community_id]

    async def issue(
        self,
        session: Session,
        *,
        community_id: ObjectId,
        kind: str,
        customer: str,
        member_id: ObjectId | None,
        currency: str,
        lines: list[Doc],
        payment_id: ObjectId | None = None,
        credit_note_for: ObjectId | None = None,
        status: str = "PAID",
    ) -> Doc:
        """A finalized invoice (or credit note) for money that moved, numbered inside the caller's transaction."""
        doc = self._draft_doc(community_id, kind, customer, member_id, currency, lines)
        series = SERIES[kind]
        seq = await self.store.invoices.next_number(session, community_id, series)
        doc.update(
            status=status,
            series=series,
            seq=seq,
            number=format_number(series, seq),
            finalized_at=datetime.now(UTC),
            payment_id=payment_id,
            credit_note_for=credit_note_for,
        )
        return await self.store.invoices.create(session, doc)

    def _draft_doc(
        self,
        community_id: ObjectId,
        kind: str,
        customer: str,
        member_id: ObjectId | None,
        currency: str,
        lines: list[Doc],
    ) -> Doc:
        total = sum(int(line["amount_cents"]) for line in lines)
        subtotal, tax = split_tax(total, self.tax_rate_bps)
        return {
            "community_id": community_id,
            "kind": kind,
            "status": "DRAFT",
            "customer": customer,
            "member_id": member_id,
            "currency": currency,
            "lines": lines,
            "subtotal_cents": subtotal,
            "tax_cents": tax,
            "total_cents": total,
        }

    async def create_draft(self, cid: ObjectId, draft_in: InvoiceDraftCreate) -> InvoiceRead:
        lines = [
            {
                "description": line.description,
                "quantity": line.quantity,
                "unit_cents": line.unit_cents,
                "amount_cents": line.quantity * line.unit_cents,
            }
            for line in draft_in.lines
        ]
        member = ObjectId(draft_in.member_id) if draft_in.member_id else None
        if draft_in.member_id:
            await self.members.require(cid, [draft_in.member_id], field="memberId")
        doc = self._draft_doc(cid, "INVOICE", draft_in.customer, member, draft_in.currency, lines)
        return render.invoice(await self.store.invoices.create(None, doc))

    async def finalize(self, cid: ObjectId, invoice_id: ObjectId) -> InvoiceRead:
        """Number a draft; the counter moves in the same transaction, so concurrent finalizes never leave gaps."""
        draft = await self._get_or_raise(cid, invoice_id)

        async def finalize(session: Session) -> Doc:
            seq = await self.store.invoices.next_number(session, cid, "INV")
            done = await self.store.invoices.update(
                session,
                draft,
                {"status": "DRAFT"},
                {
                    "status": "OPEN",
                    "series": "INV",
                    "seq": seq,
                    "number": format_number("INV", seq),
                    "finalized_at": datetime.now(UTC),
                },
            )
            if done is None:
                raise ConflictError("only a draft can be finalized", field="invoiceId")
            return done

        async with self.numbering(cid):
            return render.invoice(await self.store.transaction(finalize))

    async def void(self, cid: ObjectId, invoice_id: ObjectId) -> InvoiceRead:
        """Void an open invoice; its number stays used (voids leave no gap). Paid ones take a credit note."""
        invoice = await self._get_or_raise(cid, invoice_id)
        done = await self.store.invoices.update(
            None, invoice, {"status": {"$in": ["DRAFT", "OPEN"]}}, {"status": "VOID", "voided_at": datetime.now(UTC)}
        )
        if done is None:
            raise ConflictError("a paid invoice is corrected by a refund's credit note, not voided", field="invoiceId")
        return render.invoice(done)

    async def list(self, cid: ObjectId, member_id: ObjectId | None, limit: int) -> InvoiceList:
        return InvoiceList(items=[render.invoice(d) for d in await self.store.invoices.list(cid, member_id, limit)])

    async def lookup(self, cid: ObjectId, ids: Sequence[str]) -> Sequence[InvoiceRead | None]:
        """Invoices by id in the order asked, None where the community has none (a list's links, batched)."""
        found = await self.store.invoices.get_many(cid, [ObjectId(i) for i in dict.fromkeys(ids)])
        return [render.invoice(found[ObjectId(i)]) if ObjectId(i) in found else None for i in ids]

    async def get(self, cid: ObjectId, invoice_id: ObjectId, member_id: ObjectId | None = None) -> InvoiceRead:
        doc = await self._get_or_raise(cid, invoice_id, member_id)
        return render.invoice(doc)

    async def pdf(self, cid: ObjectId, invoice_id: ObjectId, member_id: ObjectId | None = None) -> InvoicePdf:
        read = await self.get(cid, invoice_id, member_id)
        name = read.number or f"draft-{read.id}"
        customer = read.customer
        if read.member_id:
            # Invoices for members' payments store the member's id as the customer: print who they are.
            customer = await self.members.display_name(cid, read.member_id) or customer
        font = find_cjk_font(self.cjk_font)
        content = await anyio.to_thread.run_sync(render_invoice, read, customer, font)
        return InvoicePdf(filename=f"{name}.pdf", content_base64=base64.b64encode(content).decode())

    async def _get_or_raise(self, cid: ObjectId, invoice_id: ObjectId, member_id: ObjectId | None = None) -> Doc:
        doc = await self.store.invoices.get(cid, invoice_id)
        # A member reading their own invoices is told another's does not exist.
        if doc is None or (member_id is not None and doc.get("member_id") != member_id):
            raise NotFoundError(f"no invoice with id {invoice_id} in this community", field="invoiceId")
        return doc
