"""Plan changes: what an upgrade costs now, and which changes wait for the period end.

Rule (documented in docs/billing.md):
- same interval: a dearer plan applies at once and costs the price difference for the unused fraction of the
  period (the period is kept); a cheaper plan waits for the end of the paid period, with no refund;
- a longer interval (monthly -> quarterly or annual) applies at once: a new period starts now and costs the
  new price less the unused part of the old period;
- a shorter interval (annual -> monthly) waits for the end of the paid period, with no refund.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from billing_service.domain.plans import MONTHS_PER_INTERVAL, Interval


@dataclass(frozen=True)
class PlanPrice:
    price_cents: int
    interval: Interval


@dataclass(frozen=True)
class ChangeDecision:
    immediate: bool
    charge_cents: int
    restart_period: bool


def unused_credit(price_cents: int, start: datetime, end: datetime, now: datetime) -> int:
    """The part of a paid period not yet used, floored to a minor unit (seconds-exact)."""
    total = (end - start).total_seconds()
    left = min(max((end - now).total_seconds(), 0.0), total)
    return int(price_cents * int(left) // int(total)) if total > 0 else 0


def decide_change(old: PlanPrice, new: PlanPrice, start: datetime, end: datetime, now: datetime) -> ChangeDecision:
    old_months, new_months = MONTHS_PER_INTERVAL[old.interval], MONTHS_PER_INTERVAL[new.interval]
    credit = unused_credit(old.price_cents, start, end, now)
    if new_months > old_months:
        return ChangeDecision(immediate=True, charge_cents=max(new.price_cents - credit, 0), restart_period=True)
    if new_months < old_months or new.price_cents <= old.price_cents:
        return ChangeDecision(immediate=False, charge_cents=0, restart_period=False)
    charge = unused_credit(new.price_cents, start, end, now) - credit
    return ChangeDecision(immediate=True, charge_cents=charge, restart_period=False)


def discounted(price_cents: int, percent_off: int, amount_off_cents: int) -> int:
    """A price after a coupon: percent first (floored), then a fixed amount; never below zero."""
    after = price_cents - price_cents * percent_off // 100
    return max(after - amount_off_cents, 0)
