"""Campaign certificates as PDF: one A4 landscape page, CJK text drawn with the font `infra.cjk_font` finds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fpdf import FPDF

from infra.cjk_font import CJK_FAMILY, CjkFont


@dataclass(frozen=True)
class CertificateText:
    member: str  # "王小明 (@wang)"
    campaign: str
    theme: str
    task: str
    granted_at: datetime


def render_certificate(text: CertificateText, font: CjkFont) -> bytes:
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_creation_date(text.granted_at)
    family = "Helvetica"
    if font.path is not None:
        pdf.add_font(CJK_FAMILY, fname=font.path, collection_font_number=font.face)
        family = CJK_FAMILY

    def printable(value: str) -> str:
        return value if font.path is not None else value.encode("latin-1", "replace").decode("latin-1")

    pdf.add_page()
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.ln(25)
    lines = (
        (28, "Certificate of Achievement"),
        (14, "awarded to"),
        (24, printable(text.member)),
        (14, f"for completing \u201c{printable(text.task)}\u201d" if font.path else f'for completing "{text.task}"'),
        (14, f"{printable(text.campaign)} \u00b7 {printable(text.theme)}" if font.path else printable(text.campaign)),
        (11, f"{text.granted_at.date().isoformat()}"),
    )
    for size, line in lines:
        pdf.set_font(family, size=size)
        pdf.cell(0, size * 0.8, line, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    return bytes(pdf.output())
