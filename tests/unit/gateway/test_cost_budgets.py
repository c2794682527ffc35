"""Cost budgets: points per minute, every budget tested before any is charged, a refusal spends nothing."""

from __future__ import annotations

from gateway.cost_limits import CostBudgets, CostPolicy


def budgets() -> CostBudgets:
    return CostBudgets(CostPolicy(max_cost=1000, per_member="100/minute", per_address="150/minute"))


async def test_cheap_calls_fit_where_a_request_count_would_refuse() -> None:
    spend = budgets()
    answers = [await spend.charge(0, address="a", member="m") for _ in range(700)]
    assert all(allowed for allowed, _, _ in answers)


async def test_points_are_counted_and_the_tightest_budget_reports() -> None:
    spend = budgets()
    allowed, remaining, reset = await spend.charge(40, address="a", member="m")
    assert (allowed, remaining) == (True, 60)
    assert 1 <= reset <= 61


async def test_over_budget_is_refused_and_charges_nothing() -> None:
    spend = budgets()
    assert (await spend.charge(90, address="a", member="m"))[0] is True
    refused = await spend.charge(20, address="a", member="m")
    assert refused[0] is False
    # The member budget refused, so the address budget kept its 60 points: another member there still fits.
    assert (await spend.charge(60, address="a", member="other"))[:2] == (True, 0)
