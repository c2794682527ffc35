"""Persisted queries through the gateway: Apollo's APQ round trip over POST and GET, and a key held to the
allow-list."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gateway.persisted_queries import sha256_hex
from tests.factories import Api, create_community
from tests.integration.partners.support import TIER_DISTRIBUTION, create_key, tenant

COMMUNITY = "query($slug: String!) { community(slug: $slug) { slug } }"


def persisted(query: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256_hex(query)}}


async def test_a_hash_is_not_found_until_the_client_resends_it_with_the_query(api: Api) -> None:
    await create_community(api, "acme")
    by_hash = {"extensions": persisted(COMMUNITY), "variables": {"slug": "acme"}}

    missing = await api.http.post("/graphql", json=by_hash)
    registered = await api.http.post("/graphql", json={**by_hash, "query": COMMUNITY})
    again = await api.http.post("/graphql", json=by_hash)

    assert missing.status_code == 200
    assert missing.json()["errors"][0]["message"] == "PersistedQueryNotFound"
    assert missing.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert registered.json()["data"] == {"community": {"slug": "acme"}}
    assert again.json()["data"] == {"community": {"slug": "acme"}}


async def test_a_registered_query_runs_by_hash_over_get(api: Api) -> None:
    await create_community(api, "acme")
    await api.http.post("/graphql", json={"query": COMMUNITY, "extensions": persisted(COMMUNITY), "variables": {}})

    answer = await api.http.get(
        "/graphql",
        params={"extensions": json.dumps(persisted(COMMUNITY)), "variables": '{"slug": "acme"}'},
        headers={"accept": "application/json"},
    )

    assert answer.json()["data"] == {"community": {"slug": "acme"}}


async def test_a_mismatched_hash_is_refused_in_the_graphql_shape(api: Api) -> None:
    body = {"query": COMMUNITY, "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}}

    answer = await api.http.post("/graphql", json=body)

    assert answer.status_code == 400
    assert answer.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_key_held_to_the_allow_list_runs_only_listed_operations(
    gateway_with: Callable[..., Any], tmp_path: Path
) -> None:
    manifest = tmp_path / "operations.json"
    manifest.write_text(json.dumps({sha256_hex(TIER_DISTRIBUTION): TIER_DISTRIBUTION}))
    async with gateway_with(persisted_queries_allowlist=manifest, persisted_queries_keys="*") as api:
        acme = await tenant(api, "acme")
        secret, _ = await create_key(api, acme.operator, ["analytics:read", "members:read"])
        headers = {"authorization": f"Bearer {secret}"}

        listed = await api.http.post("/graphql", json={"extensions": persisted(TIER_DISTRIBUTION)}, headers=headers)
        unlisted = await api.errors("{ tierDistribution { members } }", token=secret)
        operator = await api.data("{ tierDistribution { members } }", token=acme.operator.token)

    assert "errors" not in listed.json()
    assert len(listed.json()["data"]["tierDistribution"]) == 9
    assert unlisted[0]["extensions"] == {"code": "FORBIDDEN", "reason": "PERSISTED_QUERY_NOT_IN_LIST"}
    assert len(operator["tierDistribution"]) == 9
