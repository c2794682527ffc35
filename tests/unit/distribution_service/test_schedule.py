from __future__ import annotations

from datetime import datetime, time

import pytest

from distribution_service.domain.honeycomb import Slot
from distribution_service.domain.schedule import (
    DEFAULT_SLOTS,
    due_slots,
    in_quiet_hours,
    parse_slots,
    partition,
)


def test_default_slots_are_the_playbooks_three_golden_pushes() -> None:
    assert parse_slots(DEFAULT_SLOTS) == {Slot.MORNING: time(7, 30), Slot.NOON: time(12, 0), Slot.EVENING: time(20, 30)}


def test_slot_is_due_within_its_window_only() -> None:
    slots = parse_slots(DEFAULT_SLOTS)
    assert due_slots(datetime(2026, 5, 1, 7, 40), slots, window_minutes=15) == [Slot.MORNING]
    assert due_slots(datetime(2026, 5, 1, 7, 45), slots, window_minutes=15) == []
    assert due_slots(datetime(2026, 5, 1, 7, 29), slots, window_minutes=15) == []


def test_quiet_hours_wrap_past_midnight() -> None:
    assert in_quiet_hours(time(23, 30), time(23, 0), time(7, 0)) is True
    assert in_quiet_hours(time(6, 59), time(23, 0), time(7, 0)) is True
    assert in_quiet_hours(time(7, 30), time(23, 0), time(7, 0)) is False
    assert in_quiet_hours(time(12, 30), time(12, 0), time(13, 0)) is True
    assert in_quiet_hours(time(12, 30), None, None) is False


def test_partitions_are_disjoint_and_cover_every_member() -> None:
    members = [f"{i:024x}" for i in range(50)]
    parts = [partition(members, i, 3) for i in range(3)]
    assert sorted(m for p in parts for m in p) == sorted(members)
    assert sum(len(p) for p in parts) == 50


def test_partition_index_must_be_in_range() -> None:
    with pytest.raises(ValueError, match="partition 3 is not in 0..2"):
        partition(["0" * 24], 3, 3)
