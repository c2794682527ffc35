"""NPS tally: promoters 9-10, passives 7-8, detractors 0-6."""

from __future__ import annotations

from users_service.domain.nps import tally


def test_nps_worked_example() -> None:
    # 5 promoters, 3 passives, 2 detractors of 10: 50% - 20% = 30.
    counted = tally([10, 9, 9, 10, 9, 8, 7, 7, 6, 0])
    assert (counted.promoters, counted.passives, counted.detractors, counted.nps) == (5, 3, 2, 30.0)


def test_nps_of_nobody_is_none() -> None:
    assert tally([]).nps is None


def test_nps_of_all_detractors_is_minus_100() -> None:
    assert tally([0, 3, 6]).nps == -100.0
