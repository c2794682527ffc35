"""Invoice PDFs: one A4 page, Chinese (and any CJK) text drawn with an embedded Noto Sans CJK subset.

The font is not in the repository (the collection is ~19 MB): it is found at run time, from
`INVOICE_CJK_FONT` when set, else through fontconfig (`fc-match "Noto Sans CJK SC"`, the Debian/Ubuntu package
`fonts-noto-cjk`). Without it invoices still render, with the core Helvetica font and `?` for every character it
lacks, and the service logs `invoice_cjk_font_missing` once, saying how to install it.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fpdf import FPDF

from billing_service.schemas import InvoiceRead
from infra.logging import get_logger

log = get_logger(__name__)
CJK_FAMILY = "NotoSansCJK"
FONTCONFIG_PATTERN = "Noto Sans CJK SC"
# Inside the Noto CJK collection, the Simplified Chinese face (its order: JP, KR, SC, TC, HK).
SC_FACE = 2


@dataclass(frozen=True)
class InvoiceFont:
    path: Path | None  # None: the core Helvetica font (ASCII only)
    face: int = 0


@cache
def find_cjk_font(configured: str | None) -> InvoiceFont:
    """The CJK font to embed: the configured file, else fontconfig's match; the core font when there is none."""
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise FileNotFoundError(f"INVOICE_CJK_FONT names {configured!r}, which is not a file")
        return InvoiceFont(path, SC_FACE if path.suffix.lower() == ".ttc" else 0)
    fc_match = shutil.which("fc-match")
    found = ""
    if fc_match:
        done = subprocess.run(  # noqa: S603 - a fixed program and pattern, no shell
            [fc_match, "-f", "%{file}|%{index}|%{family}", FONTCONFIG_PATTERN],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
        found = done.stdout if done.returncode == 0 else ""
    file, _, rest = found.partition("|")
    index, _, family = rest.partition("|")
    if file and "CJK" in family and Path(file).is_file():
        return InvoiceFont(Path(file), int(index or 0))
    log.warning(
        "invoice_cjk_font_missing",
        detail="Chinese prints as '?': install fonts-noto-cjk (apt-get install fonts-noto-cjk) or set INVOICE_CJK_FONT",
    )
    return InvoiceFont(None)


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
