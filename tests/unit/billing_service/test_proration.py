from datetime import UTC, datetime

from billing_service.domain.plans import Interval
from billing_service.domain.proration import ChangeDecision, PlanPrice, decide_change, discounted, unused_credit

START = datetime(2026, 3, 1, tzinfo=UTC)
END = datetime(2026, 3, 31, tzinfo=UTC)  # 30 days
HALFWAY = datetime(2026, 3, 16, tzinfo=UTC)
GOLD = PlanPrice(3000, Interval.MONTH)
PLATINUM = PlanPrice(6000, Interval.MONTH)


class TestDecideChange:
    def test_upgrade_halfway_charges_half_the_difference(self) -> None:
        assert decide_change(GOLD, PLATINUM, START, END, HALFWAY) == ChangeDecision(True, 1500, False)

    def test_downgrade_waits_for_the_period_end(self) -> None:
        assert decide_change(PLATINUM, GOLD, START, END, HALFWAY) == ChangeDecision(False, 0, False)

    def test_monthly_to_annual_restarts_with_the_unused_month_credited(self) -> None:
        annual = PlanPrice(30_000, Interval.YEAR)
        assert decide_change(GOLD, annual, START, END, HALFWAY) == ChangeDecision(True, 28_500, True)

    def test_annual_to_monthly_waits_even_when_the_month_costs_more(self) -> None:
        annual = PlanPrice(30_000, Interval.YEAR)
        pricey_month = PlanPrice(9000, Interval.MONTH)
        year_end = datetime(2027, 3, 1, tzinfo=UTC)
        assert decide_change(annual, pricey_month, START, year_end, HALFWAY) == ChangeDecision(False, 0, False)


class TestUnusedCredit:
    def test_nothing_left_after_the_end(self) -> None:
        assert unused_credit(3000, START, END, datetime(2026, 4, 2, tzinfo=UTC)) == 0

    def test_everything_left_before_the_start(self) -> None:
        assert unused_credit(3000, START, END, datetime(2026, 2, 1, tzinfo=UTC)) == 3000


class TestDiscounted:
    def test_percent_then_amount_never_below_zero(self) -> None:
        assert (discounted(2900, 50, 0), discounted(2900, 10, 100), discounted(2900, 0, 5000)) == (1450, 2510, 0)
