"""The command census benchmarks.heavy_query_commands reads from the gateway: commands by name and namespace."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from benchmarks.command_census import CommandCensus


def event(request_id: int, name: str, command: dict[str, Any], database: str = "d") -> Any:
    return cast(Any, SimpleNamespace(request_id=request_id, command_name=name, command=command, database_name=database))


def test_commands_are_counted_by_name_and_namespace_and_reset() -> None:
    census = CommandCensus()
    census.started(event(1, "find", {"find": "member_recent"}))
    census.succeeded(event(1, "find", {}))
    census.started(event(2, "find", {"find": "member_recent"}))
    census.failed(event(2, "find", {}))
    census.started(event(3, "commitTransaction", {"commitTransaction": 1}, "admin"))
    census.succeeded(event(3, "commitTransaction", {}))
    census.succeeded(event(4, "find", {}))  # one it never saw start: not counted
    counts = {key: count for key, count, _ in census.rows()}
    assert counts == {"find d.member_recent": 2, "commitTransaction admin.": 1}
    assert all(ms >= 0 for _, _, ms in census.rows())
    census.reset()
    assert census.rows() == []
