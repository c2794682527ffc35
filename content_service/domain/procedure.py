"""The crisis procedure: three warning levels and the seven steps with deadlines counted from the trigger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Cause(StrEnum):
    COMPLAINT_SURGE = "COMPLAINT_SURGE"  # level 1: complaints above the hourly threshold
    NEGATIVE_SPREAD = "NEGATIVE_SPREAD"  # level 2: negative mentions on N external platforms
    LEGAL_RISK = "LEGAL_RISK"  # level 3: a complaint or mention marked legal
    HEALTH_BREACH = "HEALTH_BREACH"  # level 1: a health indicator past its critical line (users_service asks)


LEVEL_OF_CAUSE = {Cause.COMPLAINT_SURGE: 1, Cause.NEGATIVE_SPREAD: 2, Cause.LEGAL_RISK: 3, Cause.HEALTH_BREACH: 1}

# The playbook's seven steps and deadlines, in minutes from the trigger (30 min, 2 h, 6 h, 24 h, 72 h, 1 week,
# 1 month taken as 30 days). Communities override any of them.
SEVEN_STEPS: dict[str, int] = {
    "FACTS_CONFIRMED": 30,
    "OFFICIAL_STATEMENT": 2 * 60,
    "COMPENSATION_PLAN": 6 * 60,
    "PUBLIC_OPINION_REVIEW": 24 * 60,
    "PRODUCT_FIX": 72 * 60,
    "PREVENTION_MECHANISM": 7 * 24 * 60,
    "RELATIONSHIP_REPAIR": 30 * 24 * 60,
}
# Added by a level-2 escalation (the cross-department team) and a level-3 one (legal counsel, "at once").
RESPONSE_TEAM_STEP = "RESPONSE_TEAM_NOTIFIED"
LEGAL_STEP = "LEGAL_COUNSEL"
ESCALATION_STEPS: dict[int, tuple[str, int]] = {2: (RESPONSE_TEAM_STEP, 30), 3: (LEGAL_STEP, 60)}


@dataclass(frozen=True)
class Step:
    name: str
    due_at: datetime
    done_at: datetime | None = None
    owner: str | None = None
    note: str | None = None


def plan_steps(triggered_at: datetime, deadlines_minutes: dict[str, int]) -> list[Step]:
    return [Step(name, triggered_at + timedelta(minutes=m)) for name, m in deadlines_minutes.items()]


def escalation_step(level: int, at: datetime, deadlines_minutes: dict[str, int]) -> Step | None:
    if level not in ESCALATION_STEPS:
        return None
    name, default = ESCALATION_STEPS[level]
    return Step(name, at + timedelta(minutes=deadlines_minutes.get(name, default)))


def is_overdue(due_at: datetime, done_at: datetime | None, now: datetime) -> bool:
    """Late if not done by its deadline: still open past it, or done after it."""
    return (done_at or now) > due_at


def first_response_minutes(opened_at: datetime, step_done_times: list[datetime | None]) -> float | None:
    done = [t for t in step_done_times if t is not None]
    return round((min(done) - opened_at).total_seconds() / 60.0, 2) if done else None
