"""Lifecycle stages by community age, and KPI rows. Pure functions.

Stage boundaries are the playbook's (section 2): launch 0-6 months, growth 6-18, maturity 18-36, expansion 36+.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Stage(StrEnum):
    LAUNCH = "LAUNCH"
    GROWTH = "GROWTH"
    MATURITY = "MATURITY"
    EXPANSION = "EXPANSION"


# First month of each stage.
STARTS: tuple[tuple[Stage, int], ...] = (
    (Stage.LAUNCH, 0),
    (Stage.GROWTH, 6),
    (Stage.MATURITY, 18),
    (Stage.EXPANSION, 36),
)


def months_between(start: datetime, end: datetime) -> int:
    """Whole calendar months from start to end (a month is complete on the same day-of-month)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if (end.day, end.time()) < (start.day, start.time()):
        months -= 1
    return max(months, 0)


def stage_at(months: int) -> Stage:
    current = Stage.LAUNCH
    for stage, first_month in STARTS:
        if months >= first_month:
            current = stage
    return current


@dataclass(frozen=True)
class Kpi:
    key: str
    stage: Stage
    description: str
    target: float
    actual: float

    @property
    def gap(self) -> float:
        """actual - target: negative means short of the target."""
        return round(self.actual - self.target, 4)

    @property
    def met(self) -> bool:
        return self.actual >= self.target


def share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0
