"""The nine value tiers. Until the LTV model and the batch job run, a tier comes from these rules."""

from __future__ import annotations

from enum import StrEnum


class Tier(StrEnum):
    POTENTIAL = "POTENTIAL"
    NEW = "NEW"
    CASUAL = "CASUAL"
    ACTIVE = "ACTIVE"
    ACTIVE_CONTRIBUTOR = "ACTIVE_CONTRIBUTOR"
    KOC = "KOC"
    EXPERT = "EXPERT"
    CORE = "CORE"
    AMBASSADOR = "AMBASSADOR"


def initial_tier() -> Tier:
    """A member who has just registered has shown intent but no activity yet."""
    return Tier.NEW
