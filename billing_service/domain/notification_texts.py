"""The subject line of each billing notice when it goes out as mail (the body is the notice's own message)."""

from __future__ import annotations

SUBJECTS = {
    "PAYMENT_FAILED": "Your membership payment did not go through",
    "FINAL_NOTICE": "Final notice: your membership payment is overdue",
    "ACCESS_BLOCKED": "Your membership access is paused",
    "CANCELED": "Your membership was canceled",
    "PAYMENT_RECEIVED": "Receipt for your membership payment",
}


def notice_mail(kind: str, message: str) -> tuple[str, str]:
    """(subject, body) of the mail for a stored notice."""
    subject = SUBJECTS.get(kind, "About your membership")
    return subject, f"{message}\n\nYou can see your membership and invoices in the community at any time.\n"
