"""Query cost at the edge: a per-request maximum, and budgets in cost points per minute per member and address
(shared by every gateway replica through Redis when REDIS_URL is set).

The cost (gateway/query_cost.py) is known before execution, so an operation over `QUERY_COST_MAX` or over the
caller's remaining budget is refused before any resolver runs. Budgets count points, not requests: a client
making cheap calls spends little, one asking for thirty ranked pages spends a lot. Every response carries
`extensions.cost` (the operation's cost, the maximum, and what remains of the caller's tightest budget). An
admitted operation at or over the cost lane's threshold executes once the lane (gateway/cost_lane.py) has a place,
paced against the cheaper ones (gateway/cost_pacing.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from limits import RateLimitItem, parse
from limits.aio.storage import Storage
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from gateway.cost_lane import CostLane
from gateway.heavy_lane import PID_HEADER
from gateway.query_cost import CostModel, KnownCosts, OperationCost, default_cost_model, operation_cost
from infra.shared_state import BudgetLimiter

MAX_COST_EXCEEDED = "MAX_COST_EXCEEDED"
RATE_LIMITED = "RATE_LIMITED"


@dataclass(frozen=True)
class CostPolicy:
    max_cost: int
    per_member: str
    per_address: str
    budgets_enabled: bool = True


class CostBudgets:
    """Moving-window budgets in cost points, in this process's memory or a shared `limits` storage."""

    def __init__(self, policy: CostPolicy, storage: Storage | None = None) -> None:
        self.policy = policy
        self._limiter = BudgetLimiter(storage)
        self.per_member: RateLimitItem = parse(policy.per_member)
        self.per_address: RateLimitItem = parse(policy.per_address)

    def _keys(self, address: str, member: str | None) -> list[tuple[RateLimitItem, str, str]]:
        keys = [(self.per_address, "cost-address", address)]
        if member:
            keys.append((self.per_member, "cost-member", member))
        return keys

    async def charge(self, cost: int, *, address: str, member: str | None) -> tuple[bool, int, int]:
        """Spend `cost` points from every budget of the caller: (allowed, remaining, seconds until reset).

        Each budget is tested before any is charged, so a refused request spends nothing.
        """
        keys = self._keys(address, member)
        for item, scope, ident in keys:
            if cost > 0 and not await self._limiter.test(item, scope, ident, cost=cost):
                stats = await self._limiter.get_window_stats(item, scope, ident)
                return False, stats.remaining, _seconds_until(stats.reset_time)
        remaining: int | None = None
        reset = 0
        for item, scope, ident in keys:
            if cost > 0:
                await self._limiter.hit(item, scope, ident, cost=cost)
            stats = await self._limiter.get_window_stats(item, scope, ident)
            if remaining is None or stats.remaining < remaining:
                remaining, reset = stats.remaining, _seconds_until(stats.reset_time)
        return True, remaining or 0, reset


def _seconds_until(moment: float) -> int:
    import time

    return max(1, int(moment - time.time()) + 1)


class QueryCostLimits(SchemaExtension):
    """Refuses an operation over the maximum or the caller's budget before execution; reports `extensions.cost`.

    The caller is read from the GraphQL context: `address` and `viewer.member_id` (set by the gateway from the
    connection and the verified token), and `response` to carry `Retry-After` and the 429 status.
    """

    def __init__(
        self,
        *,
        budgets: CostBudgets,
        model: CostModel | None = None,
        lane: CostLane | None = None,
        known: KnownCosts | None = None,
    ) -> None:
        self.budgets = budgets
        self.lane = lane
        self.model = model or default_cost_model()
        # The schema's kept costs (a repeated query text is priced once), when they are under this model.
        self.known = known if known is not None and known.model is self.model else None
        self.report: dict[str, Any] | None = None

    async def on_execute(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        priced = self._price()
        if priced is not None:
            policy = self.budgets.policy
            self.report = {"operation": priced.operation, "requested": priced.cost, "maximum": policy.max_cost}
            if priced.cost > policy.max_cost:
                self._refuse(
                    f"query cost {priced.cost} is over the maximum of {policy.max_cost} per request; "
                    "ask for fewer items or fields",
                    MAX_COST_EXCEEDED,
                    cost=priced.cost,
                    maximum=policy.max_cost,
                )
            elif policy.budgets_enabled:
                context = ctx.context
                viewer = getattr(context, "viewer", None)
                allowed, remaining, reset = await self.budgets.charge(
                    priced.cost,
                    address=str(getattr(context, "address", "unknown")),
                    member=getattr(viewer, "member_id", None),
                )
                self.report["remaining"] = remaining
                self.report["resetSeconds"] = reset
                if not allowed:
                    response = getattr(context, "response", None)
                    if response is not None:
                        response.status_code = 429
                        response.headers["Retry-After"] = str(reset)
                    self._refuse(
                        f"query cost budget exhausted: this operation costs {priced.cost}, {remaining} points "
                        f"remain; retry in {reset} s",
                        RATE_LIMITED,
                        retryAfter=reset,
                    )
        if (
            priced is not None
            and ctx.result is None
            and self.lane is not None
            and await self._answered_away(priced.cost)
        ):
            yield  # answered by the heavy lane's child (gateway/heavy_lane.py): nothing executes here
            return
        if priced is not None and ctx.result is None and self.lane is not None:
            # Admitted and charged: a heavy operation executes once the lane has a place for it, paced against the
            # cheap ones, which pass (counted).
            async with self.lane.admitted(priced.cost):
                yield
            return
        yield

    async def _answered_away(self, cost: int) -> bool:
        """Admitted and charged: a heavy query goes to the heavy lane's child when it is ready (HEAVY_LANE_PROCESS),
        with the caller's headers; its answer becomes this operation's result (this process's cost report beside
        it). False: the operation executes here."""
        ctx = self.execution_context
        assert self.lane is not None
        if ctx.query is None or not self.lane.sends_away(cost, query=ctx.operation_type is OperationType.QUERY):
            return False
        request = getattr(ctx.context, "request", None)
        headers: Mapping[str, str] = request.headers if request is not None else {}
        child = self.lane.process
        assert child is not None  # sends_away: the child is there and ready
        ctx.result, pid = await child.answer(ctx.query, ctx.variables, ctx.operation_name, headers)
        response = getattr(ctx.context, "response", None)
        if pid is not None and response is not None and child.debug:
            response.headers[PID_HEADER] = str(pid)
        return True

    def _price(self) -> OperationCost | None:
        ctx = self.execution_context
        if ctx.graphql_document is None:
            return None
        schema: Any = ctx.schema
        if self.known is not None:
            return self.known.cost(
                schema._schema, ctx.graphql_document, operation_name=ctx.operation_name, variables=ctx.variables
            )
        return operation_cost(
            schema._schema,
            ctx.graphql_document,
            operation_name=ctx.operation_name,
            variables=ctx.variables or {},
            model=self.model,
        )

    def _refuse(self, message: str, code: str, **extra: Any) -> None:
        error = GraphQLError(message, extensions={"code": code, **extra})
        self.execution_context.result = GraphQLExecutionResult(data=None, errors=[error])

    def get_results(self) -> dict[str, Any]:
        return {"cost": self.report} if self.report is not None else {}
