"""Golden slots: when each slot fires in a community's timezone, quiet hours, and sharing a run among workers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta

from distribution_service.domain.honeycomb import Slot

# The playbook's three golden pushes: morning, noon and evening (local time of the community).
DEFAULT_SLOTS = "MORNING=07:30,NOON=12:00,EVENING=20:30"


def parse_clock(text: str) -> time:
    hours, minutes = text.strip().split(":")
    return time(int(hours), int(minutes))


def parse_slots(spec: str) -> dict[Slot, time]:
    """ "MORNING=07:30,NOON=12:00,..." as {Slot: local time}."""
    slots: dict[Slot, time] = {}
    for part in spec.split(","):
        name, clock = part.split("=")
        slots[Slot(name.strip().upper())] = parse_clock(clock)
    return slots


def due_slots(local_now: datetime, slots: dict[Slot, time], *, window_minutes: int) -> list[Slot]:
    """Slots whose start is at most `window_minutes` before `local_now` (the scheduler's catch-up window)."""
    due = []
    for slot, at in slots.items():
        start = local_now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
        if start <= local_now < start + timedelta(minutes=window_minutes):
            due.append(slot)
    return due


def in_quiet_hours(clock: time, start: time | None, end: time | None) -> bool:
    """Whether `clock` falls in [start, end); a span that crosses midnight (23:00-07:00) wraps."""
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= clock < end
    return clock >= start or clock < end


def partition(member_ids: Sequence[str], index: int, count: int) -> list[str]:
    """The members worker `index` of `count` handles: stable (by the id's value), disjoint, covering all."""
    if not 0 <= index < count:
        raise ValueError(f"partition {index} is not in 0..{count - 1}")
    return [m for m in member_ids if int(m, 16) % count == index]
