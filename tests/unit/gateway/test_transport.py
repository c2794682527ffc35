"""Which media type a client's Accept header asks for."""

from __future__ import annotations

import pytest

from gateway.transport import prefers_graphql_response


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, False),
        ("application/json", False),
        ("*/*", False),
        ("application/graphql-response+json", True),
        ("application/graphql-response+json, application/json;q=0.9", True),
        ("application/json, application/graphql-response+json;q=0.5", False),
        ("application/graphql-response+json;q=0", False),
        ("application/graphql-response+json;q=bad, application/json", False),
    ],
)
def test_prefers_graphql_response(accept: str | None, expected: bool) -> None:
    assert prefers_graphql_response(accept) is expected
