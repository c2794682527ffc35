"""Incubating a sub-community, per the playbook's expansion stage ("incubate sub-communities, 45 days on
average"): a checklist a child completes, and how many days it took against the target.

Pure: the service gathers the figures; here they become checklist items and a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

TARGET_DAYS = 45


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    description: str
    met: bool


@dataclass(frozen=True)
class IncubationFigures:
    operators: int
    members: int
    published: int  # pieces published in the last 30 days
    revenue_cents: int  # revenue of the last 30 days
    launch_kpis_met: dict[str, bool]  # the launch stage's KPIs (seed members, KOC share): met or not


def checklist(f: IncubationFigures) -> list[ChecklistItem]:
    items = [
        ChecklistItem("operatorAppointed", "the child has an operator of its own", f.operators > 0),
        ChecklistItem("firstMembers", "members have joined", f.members > 0),
        ChecklistItem("contentFlowing", "pieces were published in the last 30 days", f.published > 0),
        ChecklistItem("firstRevenue", "revenue in the last 30 days", f.revenue_cents > 0),
    ]
    items += [
        ChecklistItem(f"launch:{key}", f"the launch stage's KPI {key} is met", met)
        for key, met in sorted(f.launch_kpis_met.items())
    ]
    return items


@dataclass(frozen=True)
class Progress:
    complete: bool
    days_so_far: int  # since the child was created (until incubated, when it is)
    days_taken: int | None  # created to incubated; None while incubating
    on_track: bool  # within the target (so far, or in the end)


def progress(
    items: list[ChecklistItem], *, created_at: datetime, incubated_at: datetime | None, now: datetime, target_days: int
) -> Progress:
    complete = incubated_at is not None or all(i.met for i in items)
    end = incubated_at or now
    days = max(0, (end - created_at).days)
    taken = days if incubated_at is not None else None
    return Progress(complete=complete, days_so_far=days, days_taken=taken, on_track=days <= target_days)
