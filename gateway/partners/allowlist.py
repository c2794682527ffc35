"""Partner keys held to the allow-list: they run only the operations of the persisted-query manifest."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from gateway.persisted_queries import PersistedQueries

EVERY_KEY = "*"


class AllowlistedOnly(SchemaExtension):
    """FORBIDDEN for an operation outside the allow-list when the caller's key is held to it (`*`: every key)."""

    def __init__(self, *, queries: PersistedQueries, held_keys: Collection[str]) -> None:
        self.queries = queries
        self.held_keys = held_keys

    async def on_execute(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        context: Any = ctx.context
        key = getattr(getattr(context, "viewer", None), "api_key", None)
        held = key is not None and (EVERY_KEY in self.held_keys or key.key_id in self.held_keys)
        if held and ctx.result is None and not self.queries.allowed(ctx.query or ""):
            error = GraphQLError(
                "this API key runs only allow-listed operations: send one of the published persisted queries",
                extensions={"code": "FORBIDDEN", "reason": "PERSISTED_QUERY_NOT_IN_LIST"},
            )
            ctx.result = GraphQLExecutionResult(data=None, errors=[error])
        yield
