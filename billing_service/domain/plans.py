"""Plan intervals and the billing periods they make."""

from __future__ import annotations

import calendar
from datetime import datetime
from enum import StrEnum


class Interval(StrEnum):
    MONTH = "MONTH"
    QUARTER = "QUARTER"
    YEAR = "YEAR"


MONTHS_PER_INTERVAL = {Interval.MONTH: 1, Interval.QUARTER: 3, Interval.YEAR: 12}


class SubscriptionStatus(StrEnum):
    TRIALING = "TRIALING"
    ACTIVE = "ACTIVE"
    PAST_DUE = "PAST_DUE"
    CANCELED = "CANCELED"
    EXPIRED = "EXPIRED"
    # Created, first payment not yet confirmed (a delayed payment method); holds no benefits yet.
    INCOMPLETE = "INCOMPLETE"


# Statuses in which a member holds the plan's benefits; at most one such subscription per member.


def add_months(moment: datetime, months: int) -> datetime:
    """Same day next period, clamped to the month's last day (Jan 31 + 1 month = Feb 28/29)."""
    month_index = moment.month - 1 + months
    year = moment.year + month_index // 12
    month = month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def period_end(start: datetime, interval: Interval) -> datetime:
    return add_months(start, MONTHS_PER_INTERVAL[interval])
