"""The chart of accounts and balanced postings: pure rules, no I/O.

Amounts are integer minor units. A posting is a list of lines, each debiting or crediting one account; it is
valid only when its debits equal its credits. Assets and costs are debit-normal, the rest credit-normal.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Account(StrEnum):
    CASH = "assets:cash"
    RECEIVABLES = "assets:receivables"
    DEFERRED_REVENUE = "liabilities:deferred_revenue"
    CREATOR_PAYOUTS_PAYABLE = "liabilities:creator_payouts_payable"
    MEMBER_REWARDS_HELD = "liabilities:member_rewards_held"
    MEMBER_BALANCES = "liabilities:member_balances"
    TAX_PAYABLE = "liabilities:tax_payable"
    REVENUE_MEMBERSHIP = "revenue:membership"
    REVENUE_VALUE_ADDED = "revenue:value_added"
    REVENUE_ADS = "revenue:ads"
    REVENUE_DATA = "revenue:data"
    COST_CREATOR_SHARE = "costs:creator_share"
    COST_CREATOR_AWARDS = "costs:creator_awards"
    COST_CAMPAIGN_REWARDS = "costs:campaign_rewards"
    COST_PAYMENT_FEES = "costs:payment_fees"
    COST_DELIVERY = "costs:delivery"
    # Memorandum accounts: discounts granted by coupons, recorded at list price against their offset. No money
    # moves (the sale is booked at the price charged), so revenue and cash figures are unchanged; the pair
    # says how much was given away, to whom and by which coupon.
    MEMO_DISCOUNTS_GRANTED = "memo:discounts_granted"
    MEMO_DISCOUNTS_OFFSET = "memo:discounts_offset"


class Stream(StrEnum):
    MEMBERSHIP = "MEMBERSHIP"
    VALUE_ADDED = "VALUE_ADDED"
    ADS = "ADS"
    DATA = "DATA"


REVENUE_ACCOUNT = {
    Stream.MEMBERSHIP: Account.REVENUE_MEMBERSHIP,
    Stream.VALUE_ADDED: Account.REVENUE_VALUE_ADDED,
    Stream.ADS: Account.REVENUE_ADS,
    Stream.DATA: Account.REVENUE_DATA,
}
DEBIT_NORMAL_PREFIXES = ("assets:", "costs:", "memo:discounts_granted")


class UnbalancedPostingError(ValueError):
    pass


@dataclass(frozen=True)
class Line:
    account: Account
    debit: int = 0
    credit: int = 0

    def to_doc(self) -> dict[str, object]:
        return {"account": self.account.value, "debit": self.debit, "credit": self.credit}


def debit(account: Account, amount: int) -> Line:
    return Line(account, debit=amount)


def credit(account: Account, amount: int) -> Line:
    return Line(account, credit=amount)


def balanced(lines: list[Line]) -> list[Line]:
    """The lines without zero amounts, refused unless integer, non-negative and balanced."""
    kept = [line for line in lines if line.debit or line.credit]
    for line in kept:
        if not isinstance(line.debit, int) or not isinstance(line.credit, int):
            raise UnbalancedPostingError(f"{line.account}: amounts must be integer minor units")
        if line.debit < 0 or line.credit < 0 or (line.debit and line.credit):
            raise UnbalancedPostingError(f"{line.account}: a line debits or credits a non-negative amount")
    if not kept:
        raise UnbalancedPostingError("a posting moves some money")
    debits, credits = sum(line.debit for line in kept), sum(line.credit for line in kept)
    if debits != credits:
        raise UnbalancedPostingError(f"debits {debits} != credits {credits}")
    return kept


def normal_balance(account: str, debits: int, credits: int) -> int:
    """Balance on the account's normal side: debits - credits for assets and costs, else credits - debits."""
    return debits - credits if account.startswith(DEBIT_NORMAL_PREFIXES) else credits - debits


def split_tax(gross: int, rate_bps: int) -> tuple[int, int]:
    """(net, tax) of a tax-inclusive gross amount; tax rounds half up, net takes the rest so they add up."""
    tax = (gross * rate_bps + (10_000 + rate_bps) // 2) // (10_000 + rate_bps) if rate_bps else 0
    return gross - tax, tax


def sale_lines(*, gross: int, fee: int, tax_rate_bps: int, income: Account, cash: Account = Account.CASH) -> list[Line]:
    """Money received for a sale: cash in, tax owed, the net to `income`, the provider's fee as a cost."""
    net, tax = split_tax(gross, tax_rate_bps)
    return balanced(
        [
            debit(cash, gross),
            credit(income, net),
            credit(Account.TAX_PAYABLE, tax),
            debit(Account.COST_PAYMENT_FEES, fee),
            credit(cash, fee),
        ]
    )


def recognised_to_date(amount: int, total_days: int, elapsed_days: int) -> int:
    """Straight-line recognition by whole days; the whole amount once the period is over."""
    if total_days <= 0 or elapsed_days >= total_days:
        return amount
    return amount * max(elapsed_days, 0) // total_days


def discount_lines(amount: int) -> list[Line]:
    """A coupon's discount as a memorandum posting: granted (debit) against its offset (credit)."""
    return balanced([debit(Account.MEMO_DISCOUNTS_GRANTED, amount), credit(Account.MEMO_DISCOUNTS_OFFSET, amount)])
