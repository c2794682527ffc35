"""Check-in streaks in the member's own timezone: pure rules over instants and IANA zones (zoneinfo).

A check-in belongs to the local calendar day of the zone the member is in when they check in. Days are compared
as calendar dates, so a 23-hour or 25-hour day (a DST change) is still one day, and 23:59 then 00:01 are two
days. When the member has travelled (the zone differs from the last check-in's), both check-ins are read in the
old zone and in the new one and the smaller gap decides: a check-in that is still "today" in either zone counts
for nothing, so switching zones cannot buy extra days (local dates strictly increase in every zone used), while
a real day on the road neither breaks the streak nor counts twice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo


class CheckInOutcome(StrEnum):
    FIRST = "FIRST"  # the member's first check-in
    CONTINUED = "CONTINUED"  # the next day: the streak grows
    SAME_DAY = "SAME_DAY"  # already checked in today: nothing changes
    RESTARTED = "RESTARTED"  # a day or more was missed: the streak starts again at 1


@dataclass(frozen=True)
class Streak:
    current: int = 0
    best: int = 0
    check_ins: int = 0
    last_at: datetime | None = None  # the last counted check-in (aware, UTC)
    last_zone: str | None = None
    last_day: date | None = None  # its local date in last_zone


def local_day(at: datetime, zone: str) -> date:
    """The calendar date of an aware instant in an IANA zone."""
    if at.tzinfo is None:
        raise ValueError("check-in times must be timezone-aware")
    return at.astimezone(ZoneInfo(zone)).date()


def day_gap(streak: Streak, at: datetime, zone: str) -> int:
    """Whole local days from the last check-in to `at`: the smaller of the gaps in the old and the new zone."""
    assert streak.last_at is not None
    assert streak.last_zone is not None
    zones = {streak.last_zone, zone}
    return min((local_day(at, z) - local_day(streak.last_at, z)).days for z in zones)


def check_in(streak: Streak, at: datetime, zone: str) -> tuple[Streak, CheckInOutcome]:
    """The streak after a check-in at `at` by a member in `zone`, and what the check-in did."""
    today = local_day(at, zone)
    if streak.last_at is None:
        return _counted(streak, at, zone, today, 1), CheckInOutcome.FIRST
    gap = day_gap(streak, at, zone)
    if gap <= 0:
        return streak, CheckInOutcome.SAME_DAY
    if gap == 1:
        return _counted(streak, at, zone, today, streak.current + 1), CheckInOutcome.CONTINUED
    return _counted(streak, at, zone, today, 1), CheckInOutcome.RESTARTED


def _counted(streak: Streak, at: datetime, zone: str, today: date, current: int) -> Streak:
    return replace(
        streak,
        current=current,
        best=max(streak.best, current),
        check_ins=streak.check_ins + 1,
        last_at=at,
        last_zone=zone,
        last_day=today,
    )
