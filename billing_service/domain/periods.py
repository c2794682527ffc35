"""Billing periods in the community's own timezone: a period ends at the same local wall-clock moment."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from billing_service.domain.plans import MONTHS_PER_INTERVAL, Interval, add_months


def local_anchor(moment: datetime, timezone: str) -> datetime:
    """The naive local wall-clock time of `moment` in `timezone`: what periods are counted from."""
    return moment.astimezone(ZoneInfo(timezone)).replace(tzinfo=None)


def period_bounds(anchor: datetime, timezone: str, interval: Interval, seq: int) -> tuple[datetime, datetime]:
    """UTC start and end of period number `seq` (0 = the first) of a subscription anchored at local `anchor`.

    Each boundary is anchor + n intervals in local time (clamped to the month's last day), then converted to
    UTC, so a renewal due at local midnight is one period whatever UTC date it falls on.
    """
    months = MONTHS_PER_INTERVAL[interval]
    zone = ZoneInfo(timezone)
    start = add_months(anchor, months * seq).replace(tzinfo=zone).astimezone(UTC)
    end = add_months(anchor, months * (seq + 1)).replace(tzinfo=zone).astimezone(UTC)
    return start, end


def local_period_label(start_utc: datetime, timezone: str) -> str:
    """The local date a period starts on, e.g. '2026-03-01': a readable, timezone-stable period name."""
    return start_utc.astimezone(ZoneInfo(timezone)).date().isoformat()


def whole_days(start: datetime, end: datetime) -> int:
    return max(int((end - start).total_seconds() // 86_400), 0)
