"""Hostile or greedy requests are refused cheaply with a clear, coded error."""

from __future__ import annotations

from typing import Any

from tests.factories import Api, create_community, register


async def test_page_size_over_100_is_refused(api: Api) -> None:
    await create_community(api, "demo")
    bob = await register(api, "demo", "bob")
    errors = await api.errors(
        "{ feed(slot: MORNING, scene: BEFORE_DECISION, first: 101) { modelVersion } }", token=bob.token
    )
    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}


async def test_deep_query_is_refused(api: Api) -> None:
    nested = "community { " * 14 + "slug" + " }" * 14
    errors = await api.errors("{ me { " + nested + " } }")
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "exceeds maximum operation depth" in errors[0]["message"]


async def test_too_many_aliases_are_refused(api: Api) -> None:
    aliases = " ".join(f'a{i}: community(slug: "x") {{ id }}' for i in range(40))
    errors = await api.errors("{ " + aliases + " }")
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "aliases" in errors[0]["message"]


async def test_too_many_tokens_are_refused(api: Api) -> None:
    fields = " ".join("slug" for _ in range(4000))
    errors = await api.errors('{ community(slug: "x") { ' + fields + " } }")
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_oversized_body_is_refused_with_413(api: Api) -> None:
    body = {"query": "{ __typename }", "variables": {"pad": "x" * (api.settings.max_body_bytes + 1)}}
    response = await api.http.post("/graphql", json=body)
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT"}


async def test_requests_over_the_address_limit_are_rate_limited(gateway_with: Any) -> None:
    async with gateway_with(rate_limit_per_address="3/minute") as api:
        statuses = [(await api.http.post("/graphql", json={"query": "{ __typename }"})).status_code for _ in range(4)]
        refused = await api.http.post("/graphql", json={"query": "{ __typename }"})
    assert statuses == [200, 200, 200, 429]
    assert refused.headers["retry-after"] == "60"
    assert refused.json()["errors"][0]["extensions"] == {"code": "RATE_LIMITED"}


async def test_registrations_over_the_address_limit_are_rate_limited(gateway_with: Any) -> None:
    async with gateway_with(rate_limit_register_per_address="2/minute") as api:
        await create_community(api, "demo")
        await register(api, "demo", "a1")
        await register(api, "demo", "a2")
        code = await api.error_code(
            "mutation($i: RegisterUserInput!) { registerUser(input: $i) { token } }",
            {"i": {"communitySlug": "demo", "handle": "a3", "displayName": "A3"}},
        )
    assert code == "RATE_LIMITED"


async def test_default_limits_let_a_script_register_300_members(api: Api) -> None:
    await create_community(api, "demo")
    for i in range(300):
        await register(api, "demo", f"member{i}")
    data = await api.data('{ community(slug: "demo") { slug } }')
    assert data == {"community": {"slug": "demo"}}
