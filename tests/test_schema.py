"""The committed schema.graphql is the schema the gateway serves (run `make schema` after a change)."""

from __future__ import annotations

from pathlib import Path

from gateway.schema import build_schema


def test_committed_schema_is_current() -> None:
    committed = (Path(__file__).resolve().parent.parent / "schema.graphql").read_text()
    assert committed.strip() == build_schema().as_str().strip()
