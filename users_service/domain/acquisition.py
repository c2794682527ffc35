"""Acquisition: where a sign-up came from, what a sign-up cost, and the two trial programs. Pure rules."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    # The playbook's "golden triangle" (search, social, vertical forums), plus referral and partner sign-ups.
    SEARCH = "SEARCH"
    SOCIAL = "SOCIAL"
    VERTICAL_FORUM = "VERTICAL_FORUM"
    REFERRAL = "REFERRAL"
    PARTNER = "PARTNER"
    OTHER = "OTHER"


class ProgramKind(StrEnum):
    EXPERIENCE_CAMP = "EXPERIENCE_CAMP"  # 7 days; measured by conversion to paying
    GROWTH_PLAN = "GROWTH_PLAN"  # 21 days; measured by retention after it ends


DURATION_DAYS: dict[ProgramKind, int] = {ProgramKind.EXPERIENCE_CAMP: 7, ProgramKind.GROWTH_PLAN: 21}


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def cac_cents(spend_cents: int, signups: int) -> int | None:
    """Spend per sign-up, rounded half up to a whole minor unit; None without sign-ups."""
    if signups <= 0:
        return None
    return (spend_cents * 2 + signups) // (signups * 2)
