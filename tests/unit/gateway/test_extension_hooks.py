"""The gateway's extension runner finds each class's hooks once and runs them as strawberry's runner does."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import strawberry
from strawberry.extensions import SchemaExtension

from gateway import extension_hooks
from gateway.extension_hooks import KeptHooksRunner

Log = list[str]


def extensions(log: Log) -> list[Any]:
    """One extension of each kind of hook strawberry accepts: generator, async generator, coroutine, function."""

    class Generators(SchemaExtension):
        def on_operation(self) -> Iterator[None]:
            log.append("gen operation in")
            yield
            log.append("gen operation out")

        def on_parse(self) -> Iterator[None]:
            log.append("gen parse in")
            yield
            log.append("gen parse out")

    class AsyncGenerators(SchemaExtension):
        async def on_execute(self) -> AsyncIterator[None]:
            log.append("agen execute in")
            await asyncio.sleep(0)
            yield
            log.append("agen execute out")

        async def on_operation(self) -> AsyncIterator[None]:
            log.append("agen operation in")
            yield
            log.append("agen operation out")

    class Coroutines(SchemaExtension):
        async def on_validate(self) -> None:  # type: ignore[override]
            log.append("coroutine validate")

    class Functions(SchemaExtension):
        def on_execute(self) -> None:  # type: ignore[override]
            log.append("function execute")

        def get_results(self) -> dict[str, Any]:
            return {"seen": len(log)}

    return [Generators, AsyncGenerators, Coroutines, Functions]


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "hello"


class KeptSchema(strawberry.Schema):
    def create_extensions_runner(self, execution_context: Any, extensions: list[SchemaExtension]) -> Any:
        return KeptHooksRunner(execution_context=execution_context, extensions=extensions)


def run(schema_class: type[strawberry.Schema]) -> tuple[Log, Any]:
    log: Log = []
    schema = schema_class(query=Query, extensions=extensions(log))
    result = asyncio.run(schema.execute("{ hello }"))
    return log, result


def test_hooks_run_in_strawberrys_order_with_its_results() -> None:
    kept, kept_result = run(KeptSchema)
    plain, plain_result = run(strawberry.Schema)
    assert kept == plain
    assert kept[0] == "gen operation in"
    assert kept[-1] == "gen operation out"
    assert {"coroutine validate", "function execute", "agen execute out"} <= set(kept)
    assert kept_result.data == plain_result.data == {"hello": "hello"}
    assert kept_result.extensions == plain_result.extensions == {"seen": 10}


def test_a_class_hooks_are_looked_up_once(monkeypatch: Any) -> None:
    log: Log = []
    schema = KeptSchema(query=Query, extensions=extensions(log))
    found: list[tuple[type, str]] = []
    find = extension_hooks._find

    def counted(cls: type[SchemaExtension], name: str) -> Any:
        found.append((cls, name))
        return find(cls, name)

    monkeypatch.setattr(extension_hooks, "_find", counted)
    for _ in range(3):
        assert asyncio.run(schema.execute("{ hello }")).data == {"hello": "hello"}
    # Four classes, four phases: each pair once, however many requests ran.
    assert len(found) == len(set(found)) == 16
    assert log.count("function execute") == 3
