"""The gateway's execution context leaves no reference cycle: an executed operation is freed by reference count."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from typing import Any

import pytest
import strawberry
from graphql import parse
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from gateway.execution_context import AcyclicExecutionContext


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "hello"

    @strawberry.field
    async def helped(self, info: strawberry.Info) -> str:
        """What graphql-core's resolver helpers do (it tracks abstract types' awaitable checks) still works."""
        helpers = info._raw_info.async_helpers
        settled: list[str] = []

        async def side_effect() -> None:
            settled.append("tracked")

        helpers.track([side_effect()])  # settled in the background
        first, second = await helpers.gather([asyncio.sleep(0, "hel"), asyncio.sleep(0, "ped")])
        await asyncio.sleep(0)
        return str(first) + str(second) + "".join(settled)


def schema(execution_context_class: Any) -> strawberry.Schema:
    # Documents parsed and validated once, as the gateway's query memo does: only execution is measured.
    return strawberry.Schema(
        query=Query, execution_context_class=execution_context_class, extensions=[ParserCache, ValidationCache]
    )


@pytest.fixture
def collector_off() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


async def cyclic_garbage_of(execution_context_class: Any) -> int:
    """Objects only the cyclic collector frees after ten executions (the first, which parses, not counted)."""
    executing = schema(execution_context_class)
    await executing.execute("{ hello }")
    gc.collect()
    for _ in range(10):
        result = await executing.execute("{ hello }")
        assert result.data == {"hello": "hello"}
    del result
    return gc.collect()


async def test_an_executed_operation_leaves_no_cycle(collector_off: None) -> None:
    assert await cyclic_garbage_of(AcyclicExecutionContext) == 0


async def test_strawberrys_own_context_does(collector_off: None) -> None:
    # What the gateway's context removes: every execution a cycle (context, its helpers, their bound methods).
    assert await cyclic_garbage_of(StrawberryGraphQLCoreExecutionContext) >= 10


async def test_the_resolver_helpers_track_and_gather() -> None:
    result = await schema(AcyclicExecutionContext).execute("{ helped }")
    assert result.errors is None
    assert result.data == {"helped": "helpedtracked"}


async def test_work_tracked_after_the_context_was_freed_still_settles() -> None:
    built = AcyclicExecutionContext.build(schema(AcyclicExecutionContext)._schema, parse("{ hello }"))
    assert isinstance(built, AcyclicExecutionContext)
    helpers = built.async_helpers
    del built  # no cycle: freed at once, so the helpers' weak reference is dead
    settled: list[str] = []

    async def side_effect() -> None:
        settled.append("tracked")

    helpers.track([side_effect(), "not awaitable"])
    for _ in range(3):
        await asyncio.sleep(0)
    assert settled == ["tracked"]
