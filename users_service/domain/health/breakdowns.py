"""Breakdowns: an indicator's value per tier, RFM layer and acquisition channel, computed by the same formula
over the figures of the members in each segment.

Only member-level figures can be split (engagement, payments, NPS answers); which indicators are broken down,
and by which dimensions, is decided once in `catalog.BREAKDOWNS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from users_service.domain.acquisition import Channel
from users_service.domain.health.model import Figures, Formula
from users_service.domain.layers import Layer
from users_service.domain.tiers import Tier


class BreakdownDimension(StrEnum):
    TIER = "TIER"
    RFM_LAYER = "RFM_LAYER"
    CHANNEL = "CHANNEL"


# Every segment of a dimension, in display order: a breakdown lists all of them, empty ones at NO_DATA.
SEGMENTS: dict[BreakdownDimension, tuple[str, ...]] = {
    BreakdownDimension.TIER: tuple(t.value for t in Tier),
    BreakdownDimension.RFM_LAYER: tuple(layer.value for layer in Layer),
    BreakdownDimension.CHANNEL: tuple(c.value for c in Channel),
}

# The member-level figures a segment sums (the community-wide names, so the indicator formulas apply unchanged).
MEMBER_FIGURES = (
    "member_days",
    "mau",
    "mau_previous",
    "retained",
    "engagement_events",
    "payers",
    "payers_previous",
    "repeat_payers",
    "sales",
    "sales_cents",
    "nps_responses",
    "nps_promoters",
    "nps_detractors",
)


@dataclass(frozen=True)
class Breakdown:
    """Which dimensions make sense for one indicator, and over whom a segment's value is measured."""

    dimensions: tuple[BreakdownDimension, ...]
    population: str  # the member figure counting the members a segment's value is measured over
    why: str
    compute: Formula | None = None  # where the community formula cannot be split by member; else the indicator's


@dataclass(frozen=True)
class SegmentValue:
    segment: str
    value: float | None
    members: int


def segment_figures(
    members: Mapping[str, Figures], segments: Mapping[str, Mapping[BreakdownDimension, str]]
) -> dict[BreakdownDimension, dict[str, dict[str, float]]]:
    """Each dimension's segments with their members' figures summed; members without a known segment are left out."""
    sums: dict[BreakdownDimension, dict[str, dict[str, float]]] = {
        d: {s: dict.fromkeys(MEMBER_FIGURES, 0.0) for s in names} for d, names in SEGMENTS.items()
    }
    for member_id, figures in members.items():
        placed = segments.get(member_id)
        if placed is None:
            continue
        for dimension, segment in placed.items():
            bucket = sums[dimension].get(segment)
            if bucket is None:
                continue
            for name in MEMBER_FIGURES:
                bucket[name] += figures.get(name) or 0
    return sums


def breakdown_values(
    formula: Formula, breakdown: Breakdown, sums: Mapping[BreakdownDimension, Mapping[str, Figures]]
) -> dict[BreakdownDimension, list[SegmentValue]]:
    compute = breakdown.compute or formula
    return {
        d: [
            SegmentValue(segment, compute(figures), int(figures.get(breakdown.population) or 0))
            for segment, figures in sums[d].items()
        ]
        for d in breakdown.dimensions
    }


def flags(*pairs: tuple[str, bool]) -> dict[str, float]:
    """Member figures from yes/no facts (1 or 0), e.g. ("mau", engaged)."""
    return {name: 1.0 if yes else 0.0 for name, yes in pairs}


def merge(parts: Iterable[Mapping[str, Mapping[str, float]]]) -> dict[str, dict[str, float]]:
    """Member id → figures, summing parts that name the same member (engagement, payments, NPS answers)."""
    merged: dict[str, dict[str, float]] = {}
    for part in parts:
        for member_id, figures in part.items():
            into = merged.setdefault(member_id, {})
            for name, value in figures.items():
                into[name] = into.get(name, 0.0) + value
    return merged
