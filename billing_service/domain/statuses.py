"""Where a payment and an invoice stand: the closed sets of states billing writes and publishes."""

from __future__ import annotations

from enum import StrEnum


class PaymentStatus(StrEnum):
    """A payment is PENDING until the provider answers, then SUCCEEDED or FAILED for good (refunds are amounts)."""

    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class InvoiceKind(StrEnum):
    INVOICE = "INVOICE"
    CREDIT_NOTE = "CREDIT_NOTE"


class InvoiceStatus(StrEnum):
    """An invoice goes DRAFT -> OPEN -> PAID, or VOID before it is paid; a credit note is ISSUED at once."""

    DRAFT = "DRAFT"
    OPEN = "OPEN"
    PAID = "PAID"
    VOID = "VOID"
    ISSUED = "ISSUED"
