"""Invoice PDFs: one A4 page, Chinese (and any CJK) text drawn with an embedded Noto Sans CJK subset.

The font is found at run time by `infra.cjk_font` (shared with users_service's certificates): `INVOICE_CJK_FONT`
when set, else fontconfig's Noto Sans CJK SC. Without it invoices still render, with the core Helvetica font and
`?` for every character it lacks, and `invoice_cjk_font_missing` is logged once, saying how to install it.
"""

from __future__ import annotations

from fpdf import FPDF

from billing_service.schemas import InvoiceRead
from infra.cjk_font import CJK_FAMILY, find_cjk_font
from infra.cjk_font import CjkFont as InvoiceFont

__all__ = ["InvoiceFont", "find_cjk_font", "render_invoice"]


def _money(cents: int, currency: str) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d} {currency}"


def render_invoice(read: InvoiceRead, customer: str, font: InvoiceFont) -> bytes:
    """One A4 page: header, customer (a member's name, not their id), line items, subtotal, tax and total."""
    pdf = FPDF(format="A4")
    pdf.set_creation_date(read.finalized_at or read.created_at)
    family = "Helvetica"
    if font.path is not None:
        pdf.add_font(CJK_FAMILY, fname=font.path, collection_font_number=font.face)
        family = CJK_FAMILY

    def text(value: str) -> str:
        return value if font.path is not None else value.encode("latin-1", "replace").decode("latin-1")

    pdf.add_page()
    pdf.set_font(family, size=16)
    title = "Credit note" if read.kind == "CREDIT_NOTE" else "Invoice"
    pdf.cell(0, 10, f"{title} {read.number or '(draft)'}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=10)
    for line_text in (f"Customer: {text(customer)}", f"Status: {read.status}", f"Date: {read.created_at.date()}"):
        pdf.cell(0, 6, line_text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for header, width in (("Description", 100), ("Qty", 20), ("Unit", 35), ("Amount", 35)):
        pdf.cell(width, 7, header, border=1)
    pdf.ln()
    for line in read.lines:
        pdf.cell(100, 7, text(line.description)[:60], border=1)
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
