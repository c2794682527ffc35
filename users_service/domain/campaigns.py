"""Campaigns' closed sets and pure rules: the path check-in → tasks → share, task kinds, rewards and their states.

A task is a rule over recorded facts, never the member's word: engagement events (votes, shares) from
distribution's event log, publications from content, referrals and on-site check-ins from users' own records,
check-in streaks from the participation record. `progress` turns those facts into a count against the task's
target.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Step(StrEnum):
    CHECK_IN = "CHECK_IN"
    TASK = "TASK"
    SHARE = "SHARE"


class TaskKind(StrEnum):
    CHECK_IN_STREAK = "CHECK_IN_STREAK"  # check in on `count` consecutive local days
    PUBLISH_WITH_TAG = "PUBLISH_WITH_TAG"  # publish `count` pieces carrying `tag` in the window
    VOTE = "VOTE"  # vote `count` times in the window (VOTE events)
    SHARE = "SHARE"  # share `count` times in the window (SHARE events)
    INVITE = "INVITE"  # `count` new members attributed to the member's referral link
    ATTEND = "ATTEND"  # check in on site at one of the campaign's offline events


STEP_OF: dict[TaskKind, Step] = {
    TaskKind.CHECK_IN_STREAK: Step.CHECK_IN,
    TaskKind.PUBLISH_WITH_TAG: Step.TASK,
    TaskKind.VOTE: Step.TASK,
    TaskKind.SHARE: Step.SHARE,
    TaskKind.INVITE: Step.TASK,
    TaskKind.ATTEND: Step.TASK,
}

# Tasks counted from distribution's event log, by the event type they count.
EVENT_TYPE_OF: dict[TaskKind, str] = {TaskKind.VOTE: "VOTE", TaskKind.SHARE: "SHARE"}


class RewardKind(StrEnum):
    POINTS = "POINTS"
    CASH = "CASH"  # a red packet into the member's balance, through billing's ledger, after a holding period
    PRIZE = "PRIZE"  # a physical prize with a fulfilment state
    CERTIFICATE = "CERTIFICATE"  # a PDF certificate


class RewardState(StrEnum):
    RESERVING = "RESERVING"  # the (member, task) slot is taken; the budget is being reserved
    PENDING = "PENDING"  # budget reserved; a cash reward not yet booked in the ledger
    HELD = "HELD"  # booked, in its holding period
    RELEASED = "RELEASED"  # in the member's balance (cash) or simply granted (points, prizes, certificates)
    CLAWED_BACK = "CLAWED_BACK"


class Fulfilment(StrEnum):
    PENDING = "PENDING"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"
    CANCELLED = "CANCELLED"


class ClawbackReason(StrEnum):
    FRAUD = "FRAUD"
    REFUND = "REFUND"


@dataclass(frozen=True)
class Facts:
    """What the records say about one member in the campaign's window."""

    event_counts: dict[str, int]
    best_streak: int = 0
    tagged_publications: int = 0
    referrals: int = 0
    attended: int = 0


def progress(kind: TaskKind, facts: Facts) -> int:
    """How far the records say the member got on a task of this kind."""
    if kind in EVENT_TYPE_OF:
        return facts.event_counts.get(EVENT_TYPE_OF[kind], 0)
    return {
        TaskKind.CHECK_IN_STREAK: facts.best_streak,
        TaskKind.PUBLISH_WITH_TAG: facts.tagged_publications,
        TaskKind.INVITE: facts.referrals,
        TaskKind.ATTEND: facts.attended,
    }[kind]


def reward_cost(kind: RewardKind, amount_cents: int, prize_cost_cents: int) -> int:
    """What a reward takes from the campaign's budget: cash its amount, a prize its unit cost, the rest nothing."""
    if kind == RewardKind.CASH:
        return amount_cents
    if kind == RewardKind.PRIZE:
        return prize_cost_cents
    return 0


def reward_key(campaign_id: str, task_id: str, member_id: str) -> str:
    """The reward's name for good: billing grants one reward per key, so a retry can never pay twice."""
    return f"campaign:{campaign_id}:{task_id}:{member_id}"


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
