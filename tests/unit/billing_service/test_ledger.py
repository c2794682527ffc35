import pytest

from billing_service.domain.ledger import (
    Account,
    Line,
    UnbalancedPostingError,
    balanced,
    credit,
    debit,
    normal_balance,
    recognised_to_date,
    sale_lines,
    split_tax,
)


class TestBalanced:
    def test_keeps_a_balanced_posting_without_zero_lines(self) -> None:
        lines = [debit(Account.CASH, 100), credit(Account.REVENUE_ADS, 100), debit(Account.COST_DELIVERY, 0)]
        assert balanced(lines) == [debit(Account.CASH, 100), credit(Account.REVENUE_ADS, 100)]

    def test_refuses_unequal_debits_and_credits(self) -> None:
        with pytest.raises(UnbalancedPostingError, match="^debits 100 != credits 99$"):
            balanced([debit(Account.CASH, 100), credit(Account.REVENUE_ADS, 99)])

    def test_refuses_float_amounts(self) -> None:
        with pytest.raises(UnbalancedPostingError, match="amounts must be integer minor units"):
            balanced([Line(Account.CASH, debit=1.5), Line(Account.REVENUE_ADS, credit=1.5)])  # type: ignore[arg-type]

    def test_refuses_negative_amounts(self) -> None:
        with pytest.raises(UnbalancedPostingError, match="non-negative"):
            balanced([debit(Account.CASH, -5), credit(Account.REVENUE_ADS, -5)])

    def test_refuses_an_empty_posting(self) -> None:
        with pytest.raises(UnbalancedPostingError, match="^a posting moves some money$"):
            balanced([debit(Account.CASH, 0)])


class TestNormalBalance:
    def test_assets_and_costs_are_debit_normal(self) -> None:
        assert (normal_balance("assets:cash", 100, 30), normal_balance("costs:delivery", 5, 0)) == (70, 5)

    def test_liabilities_and_revenue_are_credit_normal(self) -> None:
        assert (normal_balance("revenue:ads", 10, 100), normal_balance("liabilities:tax_payable", 0, 6)) == (90, 6)


class TestTax:
    def test_no_rate_means_no_tax(self) -> None:
        assert split_tax(2900, 0) == (2900, 0)

    def test_six_percent_inclusive_rounds_half_up(self) -> None:
        # 10600 gross at 6% = 10000 net + 600 tax exactly; 2900 gross -> 164.15 tax -> 164
        assert (split_tax(10_600, 600), split_tax(2900, 600)) == ((10_000, 600), (2736, 164))

    def test_sale_lines_balance_with_fee_and_tax(self) -> None:
        lines = sale_lines(gross=10_600, fee=63, tax_rate_bps=600, income=Account.REVENUE_VALUE_ADDED)
        assert lines == [
            debit(Account.CASH, 10_600),
            credit(Account.REVENUE_VALUE_ADDED, 10_000),
            credit(Account.TAX_PAYABLE, 600),
            debit(Account.COST_PAYMENT_FEES, 63),
            credit(Account.CASH, 63),
        ]


class TestRecognition:
    def test_straight_line_by_whole_days_floored(self) -> None:
        assert [recognised_to_date(2900, 31, d) for d in (0, 1, 10, 30)] == [0, 93, 935, 2806]

    def test_whole_amount_once_the_period_is_over(self) -> None:
        assert recognised_to_date(2900, 31, 31) == 2900
