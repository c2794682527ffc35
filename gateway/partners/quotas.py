"""Per-key budgets: requests and query-cost points per moving window, reported in RateLimit-* headers.

The headers follow the IETF RateLimit header fields draft: `RateLimit-Limit`, `RateLimit-Remaining` and
`RateLimit-Reset` describe whichever of the key's two budgets has the smaller share left; `RateLimit-Policy`
names both. Budgets live in Redis when REDIS_URL is set (one budget across gateway replicas), else in this process.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.storage import Storage

from infra.shared_state import BudgetLimiter

RATE_LIMIT_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy")


@dataclass(frozen=True)
class QuotaState:
    """What a charge left: whether it was allowed and the tightest budget's figures."""

    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int
    policy: str

    def headers(self) -> dict[str, str]:
        headers = {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_seconds),
            "RateLimit-Policy": self.policy,
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.reset_seconds)
        return headers


class KeyQuotas:
    def __init__(self, *, requests: str, cost: str, enabled: bool = True, storage: Storage | None = None) -> None:
        self.enabled = enabled
        self._limiter = BudgetLimiter(storage)
        self.requests: RateLimitItem = parse(requests)
        self.cost: RateLimitItem = parse(cost)
        self.policy = (
            f'{self.requests.amount};w={self.requests.get_expiry()};name="requests", '
            f'{self.cost.amount};w={self.cost.get_expiry()};name="cost"'
        )

    async def charge(self, key_id: str, cost: int) -> QuotaState:
        """One request and `cost` points from the key's budgets; a refused request spends neither.

        The figures reported are the refusing budget's when refused, else the one with the smallest share left.
        """
        budgets = ((self.requests, "key-requests", 1), (self.cost, "key-cost", max(cost, 0)))
        refused = [
            (item, scope)
            for item, scope, amount in budgets
            if amount and not await self._limiter.test(item, scope, key_id, cost=amount)
        ]
        if not refused:
            for item, scope, amount in budgets:
                if amount:
                    await self._limiter.hit(item, scope, key_id, cost=amount)
        candidates = refused or [(item, scope) for item, scope, _ in budgets]
        figures = []
        for item, scope in candidates:
            stats = await self._limiter.get_window_stats(item, scope, key_id)
            reset = max(1, int(stats.reset_time - time.time()) + 1)
            figures.append((stats.remaining / item.amount, item.amount, stats.remaining, reset))
        _, limit, remaining, reset = min(figures)
        return QuotaState(not refused, limit, remaining, reset, self.policy)
