"""Dunning: when a failed renewal is retried, and when the member is warned, blocked and canceled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class DunningPolicy:
    retry_days: tuple[int, ...] = (1, 1, 8)
    notice_day: int = 10
    block_day: int = 14
    cancel_day: int = 21

    def next_retry(self, failed_at: datetime, attempts_made: int) -> datetime | None:
        """When retry number `attempts_made` (0-based) is due, counted from the first failure; None if done."""
        if attempts_made >= len(self.retry_days):
            return None
        return failed_at + timedelta(days=sum(self.retry_days[: attempts_made + 1]))


@dataclass(frozen=True)
class DunningStep:
    notice: bool
    block: bool
    cancel: bool


def dunning_step(policy: DunningPolicy, failed_at: datetime, now: datetime) -> DunningStep:
    days = (now - failed_at).total_seconds() / 86_400
    return DunningStep(
        notice=days >= policy.notice_day, block=days >= policy.block_day, cancel=days >= policy.cancel_day
    )
