"""Partner API keys: created by operators, shown once, stored hashed, scoped to one community and its scopes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import MongoClient

from tests.factories import Api, register
from tests.integration.partners.support import (
    API_KEYS,
    CREATE_KEY,
    REVOKE_KEY,
    TIER_DISTRIBUTION,
    create_key,
    tenant,
)

ALL_SCOPES = (
    "content:read",
    "content:write",
    "members:read",
    "events:write",
    "analytics:read",
    "webhooks:manage",
)


def _keys_collection(api: Api) -> Any:
    assert api.settings.mongodb_uri
    client: MongoClient[dict[str, Any]] = MongoClient(api.settings.mongodb_uri)
    return client, client[api.settings.database_name("users")]["api_keys"]


async def test_secret_is_shown_once_with_its_prefix_and_stored_only_as_a_hash(api: Api) -> None:
    acme = await tenant(api, "acme")

    secret, key = await create_key(api, acme.operator, ["analytics:read"])

    assert secret.startswith("cpk_")
    assert key["prefix"] == secret[:10]
    assert key["scopes"] == ["analytics:read"]
    assert key["lastUsedAt"] is None
    listed = (await api.data(API_KEYS, token=acme.operator.token))["apiKeys"]
    assert [k["id"] for k in listed] == [key["id"]]
    client, keys = _keys_collection(api)
    with client:
        stored = keys.find_one({})
    assert secret not in {str(v) for v in stored.values()}
    assert "secret" not in stored


async def test_key_reads_within_its_scope_and_records_its_use(api: Api) -> None:
    acme = await tenant(api, "acme")
    secret, _ = await create_key(api, acme.operator, ["analytics:read"])

    rows = (await api.data(TIER_DISTRIBUTION, token=secret))["tierDistribution"]

    assert len(rows) == 9
    listed = (await api.data(API_KEYS, token=acme.operator.token))["apiKeys"]
    assert listed[0]["lastUsedAt"] is not None


async def test_operation_outside_the_scopes_is_forbidden_naming_the_missing_scope(api: Api) -> None:
    acme = await tenant(api, "acme")
    secret, _ = await create_key(api, acme.operator, ["content:read"])

    errors = await api.errors(TIER_DISTRIBUTION, token=secret)

    assert errors[0]["extensions"] == {"code": "FORBIDDEN", "scope": "analytics:read"}
    assert "analytics:read" in errors[0]["message"]


async def test_key_cannot_mint_a_key_with_more_scopes(api: Api) -> None:
    acme = await tenant(api, "acme")
    secret, _ = await create_key(api, acme.operator, ["content:read", "analytics:read"])

    payload = {"input": {"name": "escalated", "scopes": ["webhooks:manage"]}}
    errors = await api.errors(CREATE_KEY, payload, token=secret)

    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    assert "members only" in errors[0]["message"]


async def test_key_cannot_grant_roles(api: Api) -> None:
    acme = await tenant(api, "acme")
    await register(api, "acme", "bob")
    secret, _ = await create_key(api, acme.operator, list(ALL_SCOPES))

    query = "mutation($input: GrantRoleInput!) { grantRole(input: $input) { id } }"
    code = await api.error_code(query, {"input": {"handle": "bob", "role": "OPERATOR"}}, token=secret)

    assert code == "FORBIDDEN"


async def test_key_of_one_community_is_refused_on_another(api: Api) -> None:
    acme = await tenant(api, "acme")
    other = await tenant(api, "other")
    secret, _ = await create_key(api, acme.operator, ["analytics:read"])

    errors = await api.errors(TIER_DISTRIBUTION, {"communityId": other.community_id}, token=secret)

    assert errors[0]["extensions"] == {"code": "FORBIDDEN", "field": "communityId"}


async def test_parent_operator_manages_child_keys_and_a_child_key_is_refused_on_the_parent(api: Api) -> None:
    parent = await tenant(api, "parent")
    child = await tenant(api, "child", parent_id=parent.community_id)

    secret, key = await create_key(api, parent.operator, ["analytics:read"], community_id=child.community_id)

    own = await api.data(TIER_DISTRIBUTION, token=secret)
    assert len(own["tierDistribution"]) == 9
    errors = await api.errors(TIER_DISTRIBUTION, {"communityId": parent.community_id}, token=secret)
    assert errors[0]["extensions"] == {"code": "FORBIDDEN", "field": "communityId"}
    listed = await api.data(API_KEYS, {"communityId": child.community_id}, token=parent.operator.token)
    assert [k["id"] for k in listed["apiKeys"]] == [key["id"]]


async def test_child_operator_cannot_make_keys_for_the_parent(api: Api) -> None:
    parent = await tenant(api, "parent")
    child = await tenant(api, "child", parent_id=parent.community_id)

    payload = {"input": {"name": "up", "scopes": ["analytics:read"], "communityId": parent.community_id}}
    errors = await api.errors(CREATE_KEY, payload, token=child.operator.token)

    assert errors[0]["extensions"] == {"code": "FORBIDDEN", "field": "communityId"}


async def test_revoked_key_is_refused_at_once(api: Api) -> None:
    acme = await tenant(api, "acme")
    secret, key = await create_key(api, acme.operator, ["analytics:read"])
    await api.data(TIER_DISTRIBUTION, token=secret)  # cached by the gateway now

    revoked = await api.data(REVOKE_KEY, {"input": {"id": key["id"]}}, token=acme.operator.token)

    assert revoked["revokeApiKey"]["revokedAt"] is not None
    errors = await api.errors(TIER_DISTRIBUTION, token=secret)
    assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert errors[0]["message"] == "API key has been revoked"


async def test_expired_key_is_refused(gateway_with: Any) -> None:
    async with gateway_with(api_key_cache_seconds=0) as api:
        acme = await tenant(api, "acme")
        expires = (datetime.now(UTC) + timedelta(days=1)).isoformat()
        secret, key = await create_key(api, acme.operator, ["analytics:read"], expiresAt=expires)
        await api.data(TIER_DISTRIBUTION, token=secret)
        client, keys = _keys_collection(api)
        with client:
            keys.update_one({}, {"$set": {"expires_at": datetime.now(UTC) - timedelta(seconds=1)}})

        errors = await api.errors(TIER_DISTRIBUTION, token=secret)

    assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert errors[0]["message"] == "API key has expired"


async def test_expiry_in_the_past_is_bad_input_and_writes_nothing(api: Api) -> None:
    acme = await tenant(api, "acme")
    payload = {"input": {"name": "old", "scopes": ["analytics:read"], "expiresAt": "2020-01-01T00:00:00Z"}}

    errors = await api.errors(CREATE_KEY, payload, token=acme.operator.token)

    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "expiresAt"}
    assert (await api.data(API_KEYS, token=acme.operator.token))["apiKeys"] == []


async def test_unknown_scope_is_bad_input(api: Api) -> None:
    acme = await tenant(api, "acme")
    payload = {"input": {"name": "x", "scopes": ["billing:steal"]}}

    code = await api.error_code(CREATE_KEY, payload, token=acme.operator.token)

    assert code == "BAD_USER_INPUT"


async def test_unknown_secret_is_unauthenticated(api: Api) -> None:
    await tenant(api, "acme")

    errors = await api.errors(TIER_DISTRIBUTION, token="cpk_" + "x" * 43)

    assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_key_unused_for_ninety_days_is_flagged_stale(api: Api) -> None:
    acme = await tenant(api, "acme")
    await create_key(api, acme.operator, ["analytics:read"])
    client, keys = _keys_collection(api)
    with client:
        keys.update_one({}, {"$set": {"created_at": datetime.now(UTC) - timedelta(days=91)}})

    listed = (await api.data(API_KEYS, token=acme.operator.token))["apiKeys"]

    assert listed[0]["stale"] is True


async def test_content_write_key_publishes_in_its_creators_name(api: Api) -> None:
    acme = await tenant(api, "acme")
    secret, _ = await create_key(api, acme.operator, ["content:write"])

    query = "mutation($input: PublishContentInput!) { publishContent(input: $input) { author { handle } } }"
    variables = {"input": {"title": "Partner post", "body": "From the partner", "kind": "UGC", "tags": []}}
    data = await api.data(query, variables, token=secret)

    assert data["publishContent"]["author"]["handle"] == "acme-op"


async def test_plain_member_cannot_create_keys(api: Api) -> None:
    await tenant(api, "acme")
    bob = await register(api, "acme", "bob")

    code = await api.error_code(CREATE_KEY, {"input": {"name": "x", "scopes": ["content:read"]}}, token=bob.token)

    assert code == "FORBIDDEN"


PAGE = """
query($after: String) {
  contentConnection(first: 2, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } }
}
"""


async def test_content_read_key_pages_its_communitys_content(api: Api) -> None:
    acme = await tenant(api, "acme")
    for n in range(3):
        await api.data(
            "mutation($input: PublishContentInput!) { publishContent(input: $input) { id } }",
            {"input": {"title": f"post {n}", "body": "text", "kind": "UGC", "tags": []}},
            token=acme.operator.token,
        )
    secret, _ = await create_key(api, acme.operator, ["content:read"])

    first = (await api.data(PAGE, token=secret))["contentConnection"]
    rest = (await api.data(PAGE, {"after": first["pageInfo"]["endCursor"]}, token=secret))["contentConnection"]

    assert len(first["edges"]) + len(rest["edges"]) == 3
    assert rest["pageInfo"]["hasNextPage"] is False


async def test_gateway_caches_a_key_briefly(api: Api) -> None:
    acme = await tenant(api, "acme")
    secret, _ = await create_key(api, acme.operator, ["analytics:read"])
    await api.data(TIER_DISTRIBUTION, token=secret)
    client, keys = _keys_collection(api)
    with client:  # revoked behind the gateway's back: another replica, say
        keys.update_one({}, {"$set": {"revoked_at": datetime.now(UTC)}})

    cached = await api.post(TIER_DISTRIBUTION, token=secret)

    assert "errors" not in cached
