"""Revenue analytics from ledger facts: pure functions over what the store read."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from billing_service.domain.ledger import REVENUE_ACCOUNT, Stream
from billing_service.domain.plans import add_months
from infra.errors import BadInputError

Doc = dict[str, object]
PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>0[1-9]|1[0-2])|Q(?P<quarter>[1-4])))?$")


@dataclass(frozen=True)
class Period:
    label: str
    start: datetime
    end: datetime
    months: int


def parse_period(label: str, timezone: str) -> Period:
    """'2026-03' (a month), '2026-Q1' (a quarter) or '2026' (a year), from local midnight to local midnight."""
    match = PERIOD.match(label.strip())
    if not match:
        raise BadInputError("period: use YYYY-MM, YYYY-Qn or YYYY", field="period")
    year = int(match["year"])
    if match["month"]:
        first, months = datetime(year, int(match["month"]), 1), 1
    elif match["quarter"]:
        first, months = datetime(year, 3 * (int(match["quarter"]) - 1) + 1, 1), 3
    else:
        first, months = datetime(year, 1, 1), 12
    zone = ZoneInfo(timezone)
    start = first.replace(tzinfo=zone)
    end = add_months(first, months).replace(tzinfo=zone)
    return Period(label.strip(), start, end, months)


def mrr_at(postings: list[dict[str, object]], moment: datetime) -> dict[str, int]:
    """MRR by subscription at `moment`: the sum of MRR segments (monthly cents over [from, to)) covering it."""
    by_sub: dict[str, int] = defaultdict(int)
    for posting in postings:
        meta = posting["meta"]
        assert isinstance(meta, dict)
        for seg in meta.get("mrr", []):
            if seg["from"] <= moment < seg["to"]:
                by_sub[str(meta.get("subscription_id"))] += int(seg["cents"])
    return dict(by_sub)


def revenue_by_stream(sums: dict[str, tuple[int, int]]) -> dict[Stream, int]:
    return {
        stream: sums.get(account.value, (0, 0))[1] - sums.get(account.value, (0, 0))[0]
        for stream, account in REVENUE_ACCOUNT.items()
    }


def costs_total(sums: dict[str, tuple[int, int]]) -> int:
    return sum(debits - credits for account, (debits, credits) in sums.items() if account.startswith("costs:"))


def ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def ltv(arpu_monthly_cents: float, gross_margin: float | None, monthly_churn: float | None) -> int | None:
    """Lifetime value: monthly ARPU x gross margin / monthly logo churn (None without churn or margin)."""
    if not gross_margin or not monthly_churn:
        return None
    return int(arpu_monthly_cents * gross_margin / monthly_churn)


def live_at(subs: list[dict[str, object]], moment: datetime) -> list[dict[str, object]]:
    """Subscriptions holding benefits at `moment` (created before it, not ended by it, ever past INCOMPLETE)."""
    held = []
    for sub in subs:
        created, ended = sub["created_at"], sub.get("ended_at")
        assert isinstance(created, datetime)
        if created >= moment or sub["status"] == "INCOMPLETE":
            continue
        if isinstance(ended, datetime) and ended <= moment:
            continue
        held.append(sub)
    return held


def one_second_before(moment: datetime) -> datetime:
    return moment - timedelta(seconds=1)
