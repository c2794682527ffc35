"""Invoices and credit notes: drafts unnumbered, numbers per community without gaps, PDF rendering."""

from __future__ import annotations

import asyncio
import base64
from collections import defaultdict
from datetime import UTC, datetime

from bson import ObjectId
from fpdf import FPDF

import billing_service.service.render as render
from billing_service.domain.ledger import split_tax
from billing_service.schemas import InvoiceDraftCreate, InvoiceList, InvoicePdf, InvoiceRead
from billing_service.service.members import MemberCheck
from billing_service.store import BillingStore, Doc, Session
from infra.errors import ConflictError, NotFoundError

SERIES = {"INVOICE": "INV", "CREDIT_NOTE": "CN"}


def format_number(series: str, seq: int) -> str:
    return f"{series}-{seq:06d}"


class InvoiceService:
    def __init__(self, store: BillingStore, members: MemberCheck, *, tax_rate_bps: int) -> None:
        self.store = store
        self.members = members
        self.tax_rate_bps = tax_rate_bps
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

    async def get(self, cid: ObjectId, invoice_id: ObjectId, member_id: ObjectId | None = None) -> InvoiceRead:
        doc = await self._get_or_raise(cid, invoice_id, member_id)
        return render.invoice(doc)

    async def pdf(self, cid: ObjectId, invoice_id: ObjectId, member_id: ObjectId | None = None) -> InvoicePdf:
        read = await self.get(cid, invoice_id, member_id)
        name = read.number or f"draft-{read.id}"
        return InvoicePdf(filename=f"{name}.pdf", content_base64=base64.b64encode(invoice_pdf(read)).decode())

    async def _get_or_raise(self, cid: ObjectId, invoice_id: ObjectId, member_id: ObjectId | None = None) -> Doc:
        doc = await self.store.invoices.get(cid, invoice_id)
        # A member reading their own invoices is told another's does not exist.
        if doc is None or (member_id is not None and doc.get("member_id") != member_id):
            raise NotFoundError(f"no invoice with id {invoice_id} in this community", field="invoiceId")
        return doc


def _money(cents: int, currency: str) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d} {currency}"


def invoice_pdf(read: InvoiceRead) -> bytes:
    """One A4 page: header, customer, line items, subtotal, tax and total (core fonts: ASCII text only)."""
    pdf = FPDF(format="A4")
    pdf.set_creation_date(read.finalized_at or read.created_at)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    title = "Credit note" if read.kind == "CREDIT_NOTE" else "Invoice"
    pdf.cell(0, 10, f"{title} {read.number or '(draft)'}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    ascii_customer = read.customer.encode("ascii", "replace").decode()
    for text in (f"Customer: {ascii_customer}", f"Status: {read.status}", f"Date: {read.created_at.date()}"):
        pdf.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 10)
    for header, width in (("Description", 100), ("Qty", 20), ("Unit", 35), ("Amount", 35)):
        pdf.cell(width, 7, header, border=1)
    pdf.ln()
    pdf.set_font("Helvetica", size=10)
    for line in read.lines:
        pdf.cell(100, 7, line.description.encode("ascii", "replace").decode()[:60], border=1)
        pdf.cell(20, 7, str(line.quantity), border=1)
        pdf.cell(35, 7, _money(line.unit_cents, read.currency), border=1)
        pdf.cell(35, 7, _money(line.amount_cents, read.currency), border=1)
        pdf.ln()
    pdf.ln(2)
    for label, cents in (("Subtotal", read.subtotal_cents), ("Tax", read.tax_cents), ("Total", read.total_cents)):
        pdf.cell(155, 7, label, align="R")
        pdf.cell(35, 7, _money(cents, read.currency), border=1)
        pdf.ln()
    return bytes(pdf.output())
