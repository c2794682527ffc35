"""Explainable auto-hide: each flag weighs by its flagger's tier; content hides when the sum reaches a threshold."""

from __future__ import annotations

from dataclasses import dataclass

# Default weight of a flag by the flagger's tier (no playbook figure; documented in docs/content.md).
DEFAULT_FLAG_WEIGHTS: dict[str, float] = {
    "POTENTIAL": 0.5,
    "NEW": 1.0,
    "CASUAL": 1.0,
    "ACTIVE": 2.0,
    "ACTIVE_CONTRIBUTOR": 3.0,
    "KOC": 4.0,
    "EXPERT": 5.0,
    "CORE": 5.0,
    "AMBASSADOR": 6.0,
}


@dataclass(frozen=True)
class Flag:
    complaint_id: str
    member_id: str
    tier: str


@dataclass(frozen=True)
class Contribution:
    complaint_id: str
    member_id: str
    tier: str
    weight: float


@dataclass(frozen=True)
class HideDecision:
    hide: bool
    total: float
    threshold: float
    contributions: list[Contribution]


def decide_hide(flags: list[Flag], *, weights: dict[str, float], threshold: float) -> HideDecision:
    """One flag per member counts (their first); the decision keeps every contribution to explain itself."""
    seen: set[str] = set()
    contributions = []
    for flag in flags:
        if flag.member_id in seen:
            continue
        seen.add(flag.member_id)
        contributions.append(Contribution(flag.complaint_id, flag.member_id, flag.tier, weights.get(flag.tier, 1.0)))
    total = round(sum(c.weight for c in contributions), 4)
    return HideDecision(total >= threshold, total, threshold, contributions)
