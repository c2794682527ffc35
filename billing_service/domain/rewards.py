"""Campaign cash rewards as money: a reward is held, then released into the member's balance, or clawed back.

Pure rules. A reward is a cost the moment it is granted; until its holding period ends the community owes it on
`member_rewards_held`, afterwards on `member_balances` (what the member may spend or withdraw). A clawback
(fraud, refund) reverses the cost from whichever of the two accounts holds the money.
"""

from __future__ import annotations

from enum import StrEnum

from billing_service.domain.ledger import Account, Line, balanced, credit, debit


class RewardState(StrEnum):
    HELD = "HELD"
    RELEASED = "RELEASED"
    CLAWED_BACK = "CLAWED_BACK"


def grant_lines(amount: int) -> list[Line]:
    return balanced([debit(Account.COST_CAMPAIGN_REWARDS, amount), credit(Account.MEMBER_REWARDS_HELD, amount)])


def release_lines(amount: int) -> list[Line]:
    return balanced([debit(Account.MEMBER_REWARDS_HELD, amount), credit(Account.MEMBER_BALANCES, amount)])


def clawback_lines(amount: int, clawed_from: RewardState) -> list[Line]:
    """Reverse the cost from the account the money sits on: held (not yet released) or the member's balance."""
    source = Account.MEMBER_BALANCES if clawed_from == RewardState.RELEASED else Account.MEMBER_REWARDS_HELD
    return balanced([debit(source, amount), credit(Account.COST_CAMPAIGN_REWARDS, amount)])


def posting_id(action: str, key: str) -> str:
    """One ledger posting per (action, reward key): the ledger's unique posting id makes a replay post nothing."""
    return f"reward:{action}:{key}"
