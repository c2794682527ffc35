"""Bad input gets the right code, names the field, and writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gateway.auth import TokenIssuer
from tests.factories import (
    CREATE_COMMUNITY,
    CREATE_PLAN,
    REGISTER,
    Api,
    count_documents,
    create_community,
    create_plan,
    register,
)

SUBSCRIBE = "mutation($i: SubscribeInput!) { subscribe(input: $i) { subscription { id } } }"


async def test_empty_handle_is_bad_user_input_naming_handle(api: Api) -> None:
    await create_community(api, "demo")
    errors = await api.errors(REGISTER, {"input": {"communitySlug": "demo", "handle": "", "displayName": "X"}})
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert errors[0]["extensions"]["field"] == "handle"
    assert count_documents(api.settings, "users", "members") == 0


async def test_duplicate_slug_is_conflict(api: Api) -> None:
    await create_community(api, "demo")
    errors = await api.errors(CREATE_COMMUNITY, {"input": {"slug": "DEMO", "name": "Again"}}, admin=True)
    assert errors[0]["extensions"] == {"code": "CONFLICT", "field": "slug"}
    assert count_documents(api.settings, "users", "communities") == 1


async def test_duplicate_handle_in_any_case_is_conflict(api: Api) -> None:
    await create_community(api, "demo")
    await register(api, "demo", "alice")
    errors = await api.errors(REGISTER, {"input": {"communitySlug": "demo", "handle": "Alice", "displayName": "A"}})
    assert errors[0]["extensions"] == {"code": "CONFLICT", "field": "handle"}
    assert count_documents(api.settings, "users", "members") == 1


async def test_same_handle_in_another_community_is_fine(api: Api) -> None:
    await create_community(api, "one")
    await create_community(api, "two")
    await register(api, "one", "alice")
    await register(api, "two", "alice")
    assert count_documents(api.settings, "users", "members") == 2


async def test_community_slug_that_is_path_syntax_is_bad_user_input_naming_slug(api: Api) -> None:
    for slug in ("a/b", "..", "."):
        errors = await api.errors("query($s: String!) { community(slug: $s) { id } }", {"s": slug})
        assert (errors[0]["extensions"]["code"], errors[0]["extensions"].get("field")) == ("BAD_USER_INPUT", "slug")


async def test_unknown_timezone_is_bad_user_input(api: Api) -> None:
    errors = await api.errors(
        CREATE_COMMUNITY, {"input": {"slug": "demo", "name": "Demo", "timezone": "Mars/Olympus"}}, admin=True
    )
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert errors[0]["extensions"]["field"] == "timezone"
    assert count_documents(api.settings, "users", "communities") == 0


async def test_negative_price_is_bad_user_input_naming_price_cents(api: Api) -> None:
    community_id = await create_community(api, "demo")
    plan = {"communityId": community_id, "name": "Gold", "priceCents": -1, "currency": "CNY", "interval": "MONTH"}
    errors = await api.errors(CREATE_PLAN, {"input": plan}, admin=True)
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert errors[0]["extensions"]["field"] == "priceCents"
    assert count_documents(api.settings, "billing", "plans") == 0


async def test_plan_for_unknown_community_is_not_found(api: Api) -> None:
    plan = {"communityId": "0" * 24, "name": "Gold", "priceCents": 1, "currency": "CNY", "interval": "MONTH"}
    errors = await api.errors(CREATE_PLAN, {"input": plan}, admin=True)
    assert errors[0]["extensions"]["code"] == "NOT_FOUND"
    assert count_documents(api.settings, "billing", "plans") == 0


async def test_unknown_plan_is_not_found_and_subscribes_nothing(api: Api) -> None:
    await create_community(api, "demo")
    bob = await register(api, "demo", "bob")
    errors = await api.errors(SUBSCRIBE, {"i": {"planId": "0" * 24, "idempotencyKey": "k"}}, token=bob.token)
    assert errors[0]["extensions"] == {"code": "NOT_FOUND", "field": "planId"}
    assert count_documents(api.settings, "billing", "subscriptions") == 0
    assert count_documents(api.settings, "billing", "idempotency_keys") == 0


async def test_malformed_id_is_bad_user_input_naming_the_field(api: Api) -> None:
    await create_community(api, "demo")
    bob = await register(api, "demo", "bob")
    errors = await api.errors(SUBSCRIBE, {"i": {"planId": "not-an-id", "idempotencyKey": "k"}}, token=bob.token)
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert errors[0]["extensions"]["field"] == "planId"
    errors = await api.errors("query($id: ID!) { content(id: $id) { id } }", {"id": "zzz"}, token=bob.token)
    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "id"}


async def test_idempotency_key_over_255_characters_is_bad_user_input(api: Api) -> None:
    community_id = await create_community(api, "demo")
    plan_id = await create_plan(api, community_id)
    bob = await register(api, "demo", "bob")
    errors = await api.errors(SUBSCRIBE, {"i": {"planId": plan_id, "idempotencyKey": "k" * 256}}, token=bob.token)
    assert errors[0]["extensions"]["field"] == "idempotencyKey"
    assert count_documents(api.settings, "billing", "subscriptions") == 0


async def test_missing_token_is_unauthenticated(api: Api) -> None:
    assert await api.error_code("{ me { id } }") == "UNAUTHENTICATED"


async def test_expired_token_is_unauthenticated(api: Api) -> None:
    await create_community(api, "demo")
    bob = await register(api, "demo", "bob")
    issuer = TokenIssuer(api.settings)
    claims = issuer.verify(bob.token)
    long_ago = datetime.now(UTC) - timedelta(seconds=api.settings.jwt_ttl_seconds * 2)
    expired = issuer.issue(member_id=claims[0], community_id=claims[1], now=long_ago)
    errors = await api.errors("{ me { id } }", token=expired)
    assert errors[0]["message"] == "token has expired"
    assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_forged_token_is_unauthenticated(api: Api) -> None:
    errors = await api.errors("{ me { id } }", token="eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad")
    assert errors[0] == {
        "message": "token is invalid",
        "locations": [{"line": 1, "column": 3}],
        "path": ["me"],
        "extensions": {"code": "UNAUTHENTICATED"},
    }


async def test_wrong_admin_key_is_unauthenticated(api: Api) -> None:
    errors = await api.errors(
        CREATE_COMMUNITY, {"input": {"slug": "demo", "name": "Demo"}}, headers={"X-API-Key": "wrong"}
    )
    assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert count_documents(api.settings, "users", "communities") == 0


async def test_member_cannot_create_community(api: Api) -> None:
    await create_community(api, "demo")
    bob = await register(api, "demo", "bob")
    code = await api.error_code(CREATE_COMMUNITY, {"input": {"slug": "mine", "name": "Mine"}}, token=bob.token)
    assert code == "FORBIDDEN"


async def test_wrong_password_and_unknown_handle_answer_alike(api: Api) -> None:
    await create_community(api, "demo")
    await register(api, "demo", "bob", password="right password")
    login = "mutation($i: LoginInput!) { login(input: $i) { token } }"
    wrong = await api.errors(login, {"i": {"communitySlug": "demo", "handle": "bob", "password": "wrong password"}})
    unknown = await api.errors(login, {"i": {"communitySlug": "demo", "handle": "nobody", "password": "x"}})
    assert wrong[0]["message"] == unknown[0]["message"] == "invalid handle or password"
    assert wrong[0]["extensions"] == unknown[0]["extensions"] == {"code": "UNAUTHENTICATED"}


async def test_member_without_password_cannot_log_in(api: Api) -> None:
    await create_community(api, "demo")
    await register(api, "demo", "bob")
    login = "mutation($i: LoginInput!) { login(input: $i) { token } }"
    code = await api.error_code(login, {"i": {"communitySlug": "demo", "handle": "bob", "password": "anything"}})
    assert code == "UNAUTHENTICATED"


async def test_repeated_login_failures_are_slowed(api: Api) -> None:
    await create_community(api, "demo")
    await register(api, "demo", "bob", password="right password")
    login = "mutation($i: LoginInput!) { login(input: $i) { token } }"
    wrong = {"i": {"communitySlug": "demo", "handle": "bob", "password": "wrong password"}}
    for _ in range(api.settings.login_max_failures):
        assert await api.error_code(login, wrong) == "UNAUTHENTICATED"
    # then: even the right password is refused until the window passes
    right = {"i": {"communitySlug": "demo", "handle": "bob", "password": "right password"}}
    assert await api.error_code(login, right) == "RATE_LIMITED"


async def test_password_is_never_stored_in_clear(api: Api) -> None:
    from pymongo import MongoClient

    await create_community(api, "demo")
    await register(api, "demo", "bob", password="s3cret-password")
    client: MongoClient[dict[str, object]] = MongoClient(api.settings.mongodb_uri)
    try:
        doc = client[api.settings.database_name("users")]["members"].find_one({"handle": "bob"})
    finally:
        client.close()
    assert doc is not None
    assert "s3cret-password" not in str(doc)
    assert str(doc["password_hash"]).startswith("$argon2id$")


async def test_failures_from_one_address_do_not_lock_out_another(api: Api) -> None:
    import httpx

    await create_community(api, "demo")
    await register(api, "demo", "bob", password="right password")
    login = "mutation($i: LoginInput!) { login(input: $i) { token } }"
    wrong = {"i": {"communitySlug": "demo", "handle": "bob", "password": "wrong password"}}
    for _ in range(api.settings.login_max_failures):
        assert await api.error_code(login, wrong) == "UNAUTHENTICATED"
    right = {"i": {"communitySlug": "demo", "handle": "bob", "password": "right password"}}
    assert await api.error_code(login, right) == "RATE_LIMITED"
    # when: the member signs in from their own address
    assert api.app is not None
    transport = httpx.ASGITransport(app=api.app, client=("198.51.100.9", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as elsewhere:
        answer = (await elsewhere.post("/graphql", json={"query": login, "variables": right})).json()
    # then
    assert answer["data"]["login"]["token"].count(".") == 2
