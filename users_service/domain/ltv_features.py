"""Features of a member's history at a cutoff, from aggregates "since a moment". Pure functions, no I/O.

Other services answer "since T" only, so a window [T - w, T) is the difference of two answers:
since(T - w) minus since(T). Everything a feature uses happened before the cutoff.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from numpy.typing import NDArray

WINDOWS_DAYS = (30, 90, 365)
FEATURES = (
    "tenure_days",
    "events_30d",
    "events_90d",
    "events_365d",
    "events_all",
    "engagement_90d",
    "engagement_all",
    "revenue_90d",
    "revenue_365d",
    "revenue_all",
    "contents_90d",
    "contents_all",
)


@dataclass(frozen=True)
class Since:
    """Per-member aggregates since one moment (None = since the beginning)."""

    events: Mapping[str, int]
    engagement: Mapping[str, float]
    revenue: Mapping[str, int]
    contents: Mapping[str, int]


def moments(cutoff: datetime, horizon_days: int) -> list[datetime]:
    """The "since" moments a cutoff needs: the windows before it, itself, the label's end and the naive one."""
    before = [cutoff - timedelta(days=d) for d in WINDOWS_DAYS]
    return [*before, cutoff, cutoff + timedelta(days=horizon_days), cutoff - timedelta(days=horizon_days)]


def _window(a: Mapping[str, float], b: Mapping[str, float], key: str) -> float:
    return float(a.get(key, 0)) - float(b.get(key, 0))


def matrix(
    member_ids: list[str],
    joined_at: list[datetime],
    cutoff: datetime,
    since: Mapping[datetime | None, Since],
) -> NDArray[np.float64]:
    """One row per member (who must have joined before `cutoff`), columns as FEATURES."""
    at = since[cutoff]
    start = since[None]
    w = {d: since[cutoff - timedelta(days=d)] for d in WINDOWS_DAYS}
    rows = np.zeros((len(member_ids), len(FEATURES)), dtype=np.float64)
    for i, (m, joined) in enumerate(zip(member_ids, joined_at, strict=True)):
        rows[i] = (
            max((cutoff - joined).days, 0),
            _window(w[30].events, at.events, m),
            _window(w[90].events, at.events, m),
            _window(w[365].events, at.events, m),
            _window(start.events, at.events, m),
            _window(w[90].engagement, at.engagement, m),
            _window(start.engagement, at.engagement, m),
            _window(w[90].revenue, at.revenue, m),
            _window(w[365].revenue, at.revenue, m),
            _window(start.revenue, at.revenue, m),
            _window(w[90].contents, at.contents, m),
            _window(start.contents, at.contents, m),
        )
    return rows


def revenue_between(member_ids: list[str], start: Since, end: Since | None) -> NDArray[np.float64]:
    """Money each member paid in [start, end) (end None = up to now): the label, or the naive forecast."""
    empty: Mapping[str, int] = {}
    later = end.revenue if end is not None else empty
    return np.array([_window(start.revenue, later, m) for m in member_ids], dtype=np.float64)
