"""The one check of a partner key's operation: its scopes first, then its budgets, before any resolver runs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from gateway.partners.quotas import KeyQuotas
from gateway.partners.scopes import MEMBER_ONLY, missing_scope, root_fields
from gateway.query_cost import CostModel, default_cost_model, operation_cost


class PartnerAccess(SchemaExtension):
    """FORBIDDEN naming the missing scope; RATE_LIMITED with Retry-After past a budget; RateLimit-* headers."""

    def __init__(self, *, quotas: KeyQuotas, model: CostModel | None = None) -> None:
        self.quotas = quotas
        self.model = model or default_cost_model()

    async def on_execute(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        context: Any = ctx.context
        key = getattr(getattr(context, "viewer", None), "api_key", None)
        if key is None or ctx.graphql_document is None or ctx.result is not None:
            yield
            return
        missing = missing_scope(root_fields(ctx.graphql_document, ctx.operation_name), key.scopes)
        if missing is not None:
            field, needed = missing
            if needed == MEMBER_ONLY:
                message = f"{field.split('.')[1]} is for members only; an API key cannot use it"
                self._refuse(message, "FORBIDDEN", field=field)
            else:
                self._refuse(f"this API key lacks the scope {needed} ({field})", "FORBIDDEN", scope=needed)
            yield
            return
        if self.quotas.enabled:
            await self._charge(key.key_id)
        yield

    async def _charge(self, key_id: str) -> None:
        ctx = self.execution_context
        context: Any = ctx.context
        assert ctx.graphql_document is not None
        schema: Any = ctx.schema
        priced = operation_cost(
            schema._schema,
            ctx.graphql_document,
            operation_name=ctx.operation_name,
            variables=ctx.variables or {},
            model=self.model,
        )
        state = await self.quotas.charge(key_id, priced.cost if priced else 0)
        response = getattr(context, "response", None)
        if response is not None:
            response.headers.update(state.headers())
        if not state.allowed:
            if response is not None:
                response.status_code = 429
            self._refuse(
                f"this API key's budget is spent; retry in {state.reset_seconds} s",
                "RATE_LIMITED",
                retryAfter=state.reset_seconds,
            )

    def _refuse(self, message: str, code: str, **extra: Any) -> None:
        error = GraphQLError(message, extensions={"code": code, **extra})
        self.execution_context.result = GraphQLExecutionResult(data=None, errors=[error])
