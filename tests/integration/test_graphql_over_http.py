"""GraphQL over HTTP: the spec's media type when accepted, GET for queries only, coded refusals, CORS."""

from __future__ import annotations

from typing import Any

from tests.factories import Api, create_community

COMMUNITY = "query($slug: String!) { community(slug: $slug) { slug } }"
GRAPHQL_RESPONSE = "application/graphql-response+json"


async def test_get_runs_a_query(api: Api) -> None:
    await create_community(api, "acme")

    answer = await api.http.get(
        "/graphql", params={"query": COMMUNITY, "variables": '{"slug": "acme"}'}, headers={"accept": "application/json"}
    )

    assert answer.status_code == 200
    assert answer.json() == {"data": {"community": {"slug": "acme"}}, "extensions": answer.json()["extensions"]}


async def test_get_never_runs_a_mutation(api: Api) -> None:
    mutation = 'mutation { login(input: {communitySlug: "acme", handle: "x", password: "y"}) { token } }'

    answer = await api.http.get("/graphql", params={"query": mutation}, headers={"accept": "application/json"})

    assert answer.status_code == 405
    assert answer.headers["allow"] == "POST"
    assert answer.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_graphql_response_type_is_answered_when_accepted(api: Api) -> None:
    await create_community(api, "acme")

    answer = await api.http.post(
        "/graphql",
        json={"query": COMMUNITY, "variables": {"slug": "acme"}},
        headers={"accept": f"{GRAPHQL_RESPONSE}, application/json;q=0.9"},
    )

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert answer.json()["data"] == {"community": {"slug": "acme"}}


async def test_plain_json_stays_the_default(api: Api) -> None:
    answer = await api.http.post("/graphql", json={"query": "{ __typename }"})

    assert answer.headers["content-type"].startswith("application/json")


async def test_request_error_is_400_without_data_under_the_graphql_response_type(api: Api) -> None:
    answer = await api.http.post("/graphql", json={"query": "{ nope }"}, headers={"accept": GRAPHQL_RESPONSE})

    assert answer.status_code == 400
    assert "data" not in answer.json()
    assert answer.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_request_error_stays_200_under_plain_json(api: Api) -> None:
    answer = await api.http.post("/graphql", json={"query": "{ nope }"}, headers={"accept": "application/json"})

    assert answer.status_code == 200
    assert answer.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_unparseable_body_is_coded_in_the_graphql_shape(api: Api) -> None:
    answer = await api.http.post(
        "/graphql", content=b"{not json", headers={"content-type": "application/json", "accept": GRAPHQL_RESPONSE}
    )

    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert "data" not in answer.json()
    assert answer.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_other_methods_are_refused_in_the_graphql_shape(api: Api) -> None:
    answer = await api.http.put("/graphql", json={"query": "{ __typename }"})

    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET, POST"
    assert answer.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_missing_query_is_coded(api: Api) -> None:
    answer = await api.http.post("/graphql", json={"variables": {}})

    assert answer.status_code == 400
    assert answer.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


PREFLIGHT = {
    "origin": "https://app.example.com",
    "access-control-request-method": "POST",
    "access-control-request-headers": "authorization, content-type",
}


async def test_preflight_from_a_configured_origin_is_allowed(gateway_with: Any) -> None:
    async with gateway_with(cors_allow_origins="https://app.example.com") as api:
        preflight = await api.http.options("/graphql", headers=PREFLIGHT)
        answer = await api.http.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"origin": "https://app.example.com"}
        )

    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://app.example.com"
    assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
    assert answer.headers["access-control-allow-origin"] == "https://app.example.com"
    assert "RateLimit-Remaining" in answer.headers["access-control-expose-headers"]


async def test_preflight_from_another_origin_is_refused(gateway_with: Any) -> None:
    async with gateway_with(cors_allow_origins="https://app.example.com") as api:
        preflight = await api.http.options("/graphql", headers={**PREFLIGHT, "origin": "https://evil.example"})

    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers


async def test_production_allows_no_origin_by_default(gateway_with: Any) -> None:
    async with gateway_with(app_env="production", billing_webhook_secret="whsec_" + "p" * 40) as api:
        answer = await api.http.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"origin": "https://app.example.com"}
        )

    assert "access-control-allow-origin" not in answer.headers
