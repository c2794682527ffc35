"""The text of a golden-slot push sent as mail: the pushed items' titles, never their bodies (a paid body stays
behind the paywall; the member opens the item in the community)."""

from __future__ import annotations

SLOT_NAMES = {"MORNING": "morning", "NOON": "noon", "EVENING": "evening"}


def push_mail(slot: str, day: str, titles: list[str]) -> tuple[str, str]:
    """(subject, body) of one delivery's mail."""
    moment = SLOT_NAMES.get(slot, slot.lower())
    subject = f"Your {moment} picks for {day}"
    lines = "\n".join(f"  {n}. {title}" for n, title in enumerate(titles, start=1))
    body = f"Picked for you this {moment}:\n\n{lines}\n\nThey are also in your inbox in the community.\n"
    return subject, body
