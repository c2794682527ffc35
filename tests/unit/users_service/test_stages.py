"""Lifecycle stage boundaries and KPI gaps."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from users_service.domain.stages import Kpi, Stage, months_between, stage_at


@pytest.mark.parametrize(
    ("months", "stage"),
    [
        (0, Stage.LAUNCH),
        (5, Stage.LAUNCH),
        (6, Stage.GROWTH),
        (17, Stage.GROWTH),
        (18, Stage.MATURITY),
        (35, Stage.MATURITY),
        (36, Stage.EXPANSION),
        (120, Stage.EXPANSION),
    ],
)
def test_stage_boundaries_are_the_playbooks(months: int, stage: Stage) -> None:
    assert stage_at(months) == stage


def test_a_month_is_complete_on_the_same_day_of_month() -> None:
    start = datetime(2025, 1, 31, 12, tzinfo=UTC)
    assert (
        months_between(start, datetime(2025, 7, 31, 11, tzinfo=UTC)),
        months_between(start, datetime(2025, 7, 31, 12, tzinfo=UTC)),
    ) == (5, 6)


def test_kpi_gap_is_actual_minus_target() -> None:
    kpi = Kpi("seedMembers", Stage.LAUNCH, "members", 5000, 1200)
    assert (kpi.gap, kpi.met) == (-3800, False)
