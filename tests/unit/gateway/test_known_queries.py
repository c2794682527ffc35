"""A repeated query text is parsed and validated once per schema; refusals are not kept, so they repeat alike."""

from __future__ import annotations

from typing import Any

import pytest
import strawberry.schema.schema as strawberry_schema

from gateway.schema import build_schema

DEEP = "{ " + "me { community { " * 8 + "id" + " }" * 16 + " }"


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every validation strawberry itself runs, by query text."""
    seen: list[str] = []
    validate = strawberry_schema.validate_document

    def counted(schema: Any, document: Any, rules: Any) -> Any:
        seen.append(document.loc.source.body)
        return validate(schema, document, rules)

    monkeypatch.setattr(strawberry_schema, "validate_document", counted)
    return seen


async def test_a_clean_query_is_validated_once_and_answers_alike(validations: list[str]) -> None:
    schema = build_schema()
    for _ in range(3):
        result = await schema.execute("{ __typename }")
        assert (result.errors, result.data) == (None, {"__typename": "Query"})
    assert validations == ["{ __typename }"]


async def test_refused_queries_are_refused_every_time(validations: list[str]) -> None:
    schema = build_schema()
    for query in (DEEP, "{ noSuchField }", "{ __typename "):
        first = await schema.execute(query)
        again = await schema.execute(query)
        assert first.errors
        assert again.errors
        assert [e.message for e in first.errors] == [e.message for e in again.errors]
    # the two that parsed were validated on every run
    assert validations == [DEEP, DEEP, "{ noSuchField }", "{ noSuchField }"]
