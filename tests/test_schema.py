"""The committed schema.graphql is the schema the gateway serves (run `make schema` after a change), and it breaks
no client of the last release (schema.baseline.graphql) without a deprecation first."""

from __future__ import annotations

from pathlib import Path

from graphql import build_schema as parse_schema

from gateway.schema import build_schema
from gateway.schema_compat import unannounced_breaking_changes

ROOT = Path(__file__).resolve().parent.parent


def test_committed_schema_is_current() -> None:
    committed = (ROOT / "schema.graphql").read_text()
    assert committed.strip() == build_schema().as_str().strip()


def test_no_breaking_change_since_the_release_without_deprecation_first() -> None:
    released = parse_schema((ROOT / "schema.baseline.graphql").read_text())
    assert unannounced_breaking_changes(released, build_schema()._schema) == []
