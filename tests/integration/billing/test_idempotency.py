"""Stripe's idempotency rules on money-moving mutations."""

from __future__ import annotations

from tests.factories import Api, create_plan, register
from tests.integration.billing.helpers import (
    PURCHASE,
    SUBSCRIBE,
    community_with_operator,
    documents,
    product,
    provider,
)


async def test_same_key_with_other_parameters_is_conflict(api: Api) -> None:
    _, olga = await community_with_operator(api)
    course = await product(api, olga, name="Course")
    report = await product(api, olga, name="Report")
    bob = await register(api, "demo", "bob")
    await api.data(PURCHASE, {"i": {"productId": course, "idempotencyKey": "k"}}, token=bob.token)
    errors = await api.errors(PURCHASE, {"i": {"productId": report, "idempotencyKey": "k"}}, token=bob.token)
    assert errors[0]["extensions"] == {"code": "CONFLICT", "field": "idempotencyKey"}
    assert provider(api).charge_count() == 1


async def test_a_decline_is_replayed_as_the_same_error_without_a_second_attempt(api: Api) -> None:
    _, olga = await community_with_operator(api)
    course = await product(api, olga)
    bob = await register(api, "demo", "bob")
    variables = {"i": {"productId": course, "idempotencyKey": "k", "paymentMethod": "tok_decline"}}
    first = await api.errors(PURCHASE, variables, token=bob.token)
    second = await api.errors(PURCHASE, variables, token=bob.token)
    assert first == second
    assert first[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "paymentMethod"}
    assert len(provider(api).charges) == 1


async def test_a_request_refused_by_validation_saves_nothing(api: Api) -> None:
    community_id, _ = await community_with_operator(api)
    bob = await register(api, "demo", "bob")
    missing_plan = "0" * 24
    variables = {"i": {"planId": missing_plan, "idempotencyKey": "k"}}
    code = await api.error_code(SUBSCRIBE, variables, token=bob.token)
    assert code == "NOT_FOUND"
    assert (documents(api, "idempotency_keys"), documents(api, "payments")) == ([], [])
    # the same key is free for a valid request afterwards
    plan_id = await create_plan(api, community_id)
    ok = await api.data(SUBSCRIBE, {"i": {"planId": plan_id, "idempotencyKey": "k"}}, token=bob.token)
    assert ok["subscribe"]["subscription"]["status"] == "ACTIVE"


async def test_a_key_longer_than_255_characters_is_bad_input(api: Api) -> None:
    community_id, _ = await community_with_operator(api)
    plan_id = await create_plan(api, community_id)
    bob = await register(api, "demo", "bob")
    errors = await api.errors(SUBSCRIBE, {"i": {"planId": plan_id, "idempotencyKey": "k" * 256}}, token=bob.token)
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert errors[0]["extensions"]["field"] == "idempotencyKey"
    assert documents(api, "idempotency_keys") == []


async def test_keys_are_kept_at_least_24_hours(api: Api) -> None:
    services = api.app.state.services  # type: ignore[union-attr]
    info = await services.apps["billing"].state.service.store.idempotency.records.index_information()
    assert info["created_at_ttl"]["expireAfterSeconds"] >= 24 * 3600
