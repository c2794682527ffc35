"""`subscribe` with Stripe-like idempotency: one subscription per key, whatever the replays."""

from __future__ import annotations

import asyncio

from tests.factories import Api, count_documents, create_community, create_plan, register

SUBSCRIBE = """
mutation($i: SubscribeInput!) { subscribe(input: $i) { subscription { id status plan { name } } } }
"""


async def test_replay_returns_the_same_subscription_and_creates_nothing(api: Api) -> None:
    community_id = await create_community(api, "demo")
    plan_id = await create_plan(api, community_id)
    bob = await register(api, "demo", "bob")
    variables = {"i": {"planId": plan_id, "idempotencyKey": "k-1"}}
    first = await api.data(SUBSCRIBE, variables, token=bob.token)
    second = await api.data(SUBSCRIBE, variables, token=bob.token)
    assert second == first
    assert count_documents(api.settings, "billing", "subscriptions") == 1


async def test_concurrent_replays_create_one_subscription(api: Api) -> None:
    community_id = await create_community(api, "demo")
    plan_id = await create_plan(api, community_id)
    bob = await register(api, "demo", "bob")
    variables = {"i": {"planId": plan_id, "idempotencyKey": "k-race"}}
    # when
    results = await asyncio.gather(*(api.post(SUBSCRIBE, variables, token=bob.token) for _ in range(6)))
    # then: every answer that succeeded names the one subscription; losers of the race may be told to retry
    ids = {r["data"]["subscribe"]["subscription"]["id"] for r in results if r.get("data") and r["data"]["subscribe"]}
    codes = {e["extensions"]["code"] for r in results for e in r.get("errors", [])}
    assert len(ids) == 1
    assert codes <= {"CONFLICT"}
    assert count_documents(api.settings, "billing", "subscriptions") == 1


async def test_same_key_with_another_plan_is_conflict(api: Api) -> None:
    community_id = await create_community(api, "demo")
    gold = await create_plan(api, community_id, name="Gold")
    silver = await create_plan(api, community_id, name="Silver")
    bob = await register(api, "demo", "bob")
    await api.data(SUBSCRIBE, {"i": {"planId": gold, "idempotencyKey": "k-1"}}, token=bob.token)
    errors = await api.errors(SUBSCRIBE, {"i": {"planId": silver, "idempotencyKey": "k-1"}}, token=bob.token)
    assert errors[0]["extensions"] == {"code": "CONFLICT", "field": "idempotencyKey"}
    assert count_documents(api.settings, "billing", "subscriptions") == 1


async def test_keys_are_scoped_to_the_member(api: Api) -> None:
    community_id = await create_community(api, "demo")
    plan_id = await create_plan(api, community_id)
    bob = await register(api, "demo", "bob")
    carol = await register(api, "demo", "carol")
    variables = {"i": {"planId": plan_id, "idempotencyKey": "same-key"}}
    bobs = await api.data(SUBSCRIBE, variables, token=bob.token)
    carols = await api.data(SUBSCRIBE, variables, token=carol.token)
    assert bobs["subscribe"]["subscription"]["id"] != carols["subscribe"]["subscription"]["id"]
    assert count_documents(api.settings, "billing", "subscriptions") == 2


async def test_second_live_subscription_with_a_new_key_is_conflict(api: Api) -> None:
    community_id = await create_community(api, "demo")
    plan_id = await create_plan(api, community_id)
    bob = await register(api, "demo", "bob")
    await api.data(SUBSCRIBE, {"i": {"planId": plan_id, "idempotencyKey": "k-1"}}, token=bob.token)
    errors = await api.errors(SUBSCRIBE, {"i": {"planId": plan_id, "idempotencyKey": "k-2"}}, token=bob.token)
    assert errors[0]["extensions"] == {"code": "CONFLICT", "field": "planId"}
    assert count_documents(api.settings, "billing", "subscriptions") == 1
