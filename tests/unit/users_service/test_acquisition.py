"""CAC arithmetic in integer minor units."""

from __future__ import annotations

from users_service.domain.acquisition import cac_cents, rate


def test_cac_rounds_half_up_to_a_whole_minor_unit() -> None:
    assert (cac_cents(10_000, 3), cac_cents(5, 2), cac_cents(4, 3)) == (3333, 3, 1)


def test_cac_without_signups_is_none() -> None:
    assert cac_cents(10_000, 0) is None


def test_rate_of_nobody_is_none() -> None:
    assert (rate(1, 4), rate(0, 0)) == (0.25, None)
