"""The public edge in production: no schema hints, every malformed body coded, /metrics closed by default."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.factories import Api

LOGIN = "mutation($i: LoginInput!) { login(input: $i) { token } }"
# Each query is one typo away from a name in the schema; graphql-core would hint at the name.
TYPOS = {
    "type": "{ me { ...on Usr { id } } }",
    "argument": "{ feed(slott: MORNING, scene: BEFORE_DECISION) { items { score } } }",
    "enum value": "{ feed(slot: MORNIN, scene: BEFORE_DECISION) { items { score } } }",
    "input field": 'mutation { login(input: {communitySlug: "d", handl: "b", password: "p"}) { token } }',
    "field": "{ mee { id } }",
}


def messages(body: dict[str, Any]) -> str:
    return " ".join(error["message"] for error in body["errors"])


async def test_production_suggests_nothing(gateway_with: Any) -> None:
    async with gateway_with(app_env="production") as api:
        answers = {kind: await api.post(query) for kind, query in TYPOS.items()}
        variables = await api.post(LOGIN, {"i": {"communitySlug": "d", "handl": "b", "password": "p"}})
    for kind, body in answers.items():
        assert "Did you mean" not in messages(body), kind
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", kind
    assert "Did you mean" not in messages(variables)


async def test_development_still_suggests(gateway_with: Any) -> None:
    async with gateway_with(app_env="development") as api:
        answers = {kind: await api.post(query) for kind, query in TYPOS.items()}
    assert all("Did you mean" in messages(body) for body in answers.values()), answers


async def post_raw(api: Api, content: bytes) -> tuple[int, dict[str, Any]]:
    response = await api.http.post("/graphql", content=content, headers={"content-type": "application/json"})
    return response.status_code, response.json()


@pytest.mark.parametrize(
    "content",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"query": "{ me { id } }", "variables": {"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}",
        b'{"query": ',
        b'{"query": "\xff\xfe"}',
    ],
    ids=["deep-array", "deep-variables", "truncated", "not-utf8"],
)
async def test_malformed_bodies_are_coded_400s(api: Api, content: bytes) -> None:
    status, body = await post_raw(api, content)
    assert status == 400
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_deeply_nested_query_is_coded(api: Api) -> None:
    query = "{ me " + "{ community " * 20_000 + "}" * 20_001
    status, body = await post_raw(api, json.dumps({"query": query}).encode())
    assert status in (200, 400)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_metrics_are_open_in_development_without_a_token(gateway_with: Any) -> None:
    async with gateway_with(app_env="development") as api:
        response = await api.http.get("/metrics")
    assert response.status_code == 200


async def test_metrics_are_off_in_production_without_a_token(gateway_with: Any) -> None:
    async with gateway_with(app_env="production") as api:
        response = await api.http.get("/metrics")
    assert response.status_code == 404


async def test_metrics_need_the_token_when_one_is_set(gateway_with: Any) -> None:
    async with gateway_with(app_env="production", metrics_token="m" * 32) as api:
        without = await api.http.get("/metrics")
        wrong = await api.http.get("/metrics", headers={"authorization": "Bearer nope"})
        right = await api.http.get("/metrics", headers={"authorization": f"Bearer {'m' * 32}"})
    assert (without.status_code, wrong.status_code) == (401, 401)
    assert without.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert right.status_code == 200
    assert "graphql" in right.text
