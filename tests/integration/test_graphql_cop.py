"""graphql-cop's checks (github.com/dolevf/graphql-cop, lib/tests/) against the gateway in production mode.

Each test sends the request its graphql-cop check sends and asserts the check would pass (not "vulnerable"), plus
that the refusal carries a code. Policy where graphql-cop only reports: introspection and GraphiQL are off in
production; GET runs queries only (documented), so a GET query is allowed and a GET mutation is not.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.factories import Api
from tests.integration.schema_calls import community_gateway

PRODUCTION = {"app_env": "production", "billing_webhook_secret": "whsec_" + "p" * 40}


@pytest.fixture(scope="module")
async def api(mongo_uri: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Api]:
    async with community_gateway(mongo_uri, tmp_path_factory.mktemp("cop"), **PRODUCTION) as community:
        yield community.api


async def cop(api: Api, query: str) -> dict[str, Any]:
    """graphql-cop's `graph_query`: a JSON POST naming the operation `cop`."""
    response = await api.http.post("/graphql", json={"query": query, "operationName": "cop"})
    assert response.status_code < 500, response.text
    body: dict[str, Any] = response.json()
    return body


def codes(body: dict[str, Any]) -> set[str]:
    return {error["extensions"]["code"] for error in body.get("errors") or []}


async def test_alias_overloading(api: Api) -> None:
    """dos_alias_overloading: 101 aliases of `__typename`."""
    aliases = "".join(f"alias{i}:__typename \n" for i in range(101))
    body = await cop(api, "query cop { " + aliases + " }")
    assert body.get("data") is None
    assert codes(body) == {"BAD_USER_INPUT"}


async def test_array_based_query_batching(api: Api) -> None:
    """dos_batch: an array of 10 operations in one body."""
    response = await api.http.post("/graphql", json=[{"query": "query cop { __typename }"}] * 10)
    assert response.status_code == 400
    assert isinstance(response.json(), dict)
    assert codes(response.json()) == {"BAD_USER_INPUT"}


async def test_introspection_based_circular_query(api: Api) -> None:
    """dos_circular_introspection: types' fields' types' fields, four levels down."""
    query = "query cop { __schema { types { " + "fields { type { " * 4 + "name" + " } }" * 4 + " } } }"
    body = await cop(api, query)
    assert body.get("data") is None
    assert codes(body) == {"BAD_USER_INPUT"}


async def test_directive_overloading(api: Api) -> None:
    """dos_directive_overloading: the same directive ten times on one field is refused in one error."""
    body = await cop(api, "query cop { __typename @aa@aa@aa@aa@aa@aa@aa@aa@aa@aa }")
    assert codes(body) == {"BAD_USER_INPUT"}
    assert "repeated" in body["errors"][0]["message"]


async def test_too_many_directives(api: Api) -> None:
    """dos_directive_overloading, distinct directives: more than MAX_DIRECTIVES in one document."""
    skips = " ".join(f"a{i}: __typename @skip(if: false)" for i in range(api.settings.max_directives + 1))
    body = await cop(api, "query cop { " + skips + " }")
    assert codes(body) == {"BAD_USER_INPUT"}
    assert "directives" in body["errors"][0]["message"]


async def test_field_duplication(api: Api) -> None:
    """dos_field_duplication: `__typename` 500 times in one selection set."""
    body = await cop(api, "query cop { " + "__typename \n" * 500 + "} ")
    assert body.get("data") is None
    assert codes(body) == {"BAD_USER_INPUT"}
    assert "repeats" in body["errors"][0]["message"]


async def test_field_suggestions(api: Api) -> None:
    """info_field_suggestions: a misspelt field gets no "Did you mean"."""
    for query in ("query cop { __schema { directive } }", "query cop { mee { id } }"):
        body = await cop(api, query)
        assert codes(body) == {"BAD_USER_INPUT"}
        assert "did you mean" not in str(body).lower()


async def test_get_based_mutation(api: Api) -> None:
    """info_get_based_mutation: a mutation over GET (CSRF) is refused with 405."""
    response = await api.http.get("/graphql", params={"query": "mutation cop {__typename}"})
    assert response.status_code == 405
    assert codes(response.json()) == {"BAD_USER_INPUT"}


async def test_get_method_query_support(api: Api) -> None:
    """info_get_method_support: documented policy, a GET query runs (it changes nothing)."""
    response = await api.http.get("/graphql", params={"query": "query cop {__typename}"})
    assert response.status_code == 200
    assert response.json()["data"] == {"__typename": "Query"}


@pytest.mark.parametrize(
    "body",
    [
        {"data": {"query": "query cop { __typename }"}},
        {"content": b"query cop { __typename }", "headers": {"content-type": "text/plain"}},
        {"files": {"query": (None, "query cop { __typename }")}},
    ],
    ids=["urlencoded", "text-plain", "multipart"],
)
async def test_post_based_csrf(api: Api, body: dict[str, Any]) -> None:
    """info_post_based_csrf: a form post a browser sends without a preflight never runs an operation."""
    response = await api.http.post("/graphql", **body)
    assert 400 <= response.status_code < 500
    assert response.json().get("data") is None
    assert codes(response.json()) == {"BAD_USER_INPUT"}


async def test_graphql_ide(api: Api) -> None:
    """info_graphiql: no IDE page, none of graphql-cop's markers."""
    response = await api.http.get("/graphql", headers={"accept": "text/html"})
    markers = ("graphiql.min.css", "GraphQL Playground", "GraphiQL", "graphql-playground")
    assert response.status_code == 404
    assert not any(marker in response.text for marker in markers)


async def test_introspection(api: Api) -> None:
    """info_introspect: introspection is off in production."""
    body = await cop(api, "query cop { __schema { types { name fields { name } } } }")
    assert body.get("data") is None
    assert codes(body) == {"BAD_USER_INPUT"}


async def test_trace_mode(api: Api) -> None:
    """info_trace_mode: no `tracing` in any answer's extensions."""
    body = await cop(api, "query cop { __typename }")
    failed = await cop(api, "query cop { nope }")
    assert "tracing" not in str(body).lower()
    assert "tracing" not in str(failed).lower()


async def test_unhandled_errors(api: Api) -> None:
    """info_unhandled_error: a syntax error is the caller's, coded, without an exception or a stack trace."""
    body = await cop(api, "qwerty cop { abc }")
    assert codes(body) == {"BAD_USER_INPUT"}
    assert set(body["errors"][0]["extensions"]) == {"code"}
    assert "traceback" not in str(body).lower()
