"""Provider webhooks: verified, de-duplicated by event id, order-proof; delayed payments settle by webhook."""

from __future__ import annotations

import json
import random
import time

import pytest

from infra.errors import BadInputError
from tests.factories import Api, create_plan, register
from tests.integration.billing.helpers import (
    MEMBERSHIP,
    PURCHASE,
    SUBSCRIBE,
    billing,
    community_with_operator,
    documents,
    postings,
    product,
    provider,
)


async def test_delayed_payment_settles_when_the_webhook_arrives(api: Api) -> None:
    community_id, _ = await community_with_operator(api)
    plan_id = await create_plan(api, community_id, price=2900)
    bob = await register(api, "demo", "bob")
    variables = {"i": {"planId": plan_id, "idempotencyKey": "d", "paymentMethod": "tok_delayed"}}
    # when
    first = await api.data(SUBSCRIBE, variables, token=bob.token)
    before = await api.data(MEMBERSHIP, token=bob.token)
    await provider(api).drain()
    after = await api.data(MEMBERSHIP, token=bob.token)
    # then
    assert first["subscribe"]["subscription"]["status"] == "INCOMPLETE"
    assert before["me"]["membership"] is None
    assert after["me"]["membership"]["status"] == "ACTIVE"
    assert len(postings(api, "membership_charge")) == 1


async def test_delayed_decline_expires_the_subscription(api: Api) -> None:
    community_id, _ = await community_with_operator(api)
    plan_id = await create_plan(api, community_id, price=2900)
    bob = await register(api, "demo", "bob")
    variables = {"i": {"planId": plan_id, "idempotencyKey": "d", "paymentMethod": "tok_delayed_decline"}}
    await api.data(SUBSCRIBE, variables, token=bob.token)
    # when
    await provider(api).drain()
    # then
    assert [s["status"] for s in documents(api, "subscriptions")] == ["EXPIRED"]
    assert postings(api) == []


async def test_duplicated_and_reordered_webhooks_change_nothing_twice(api: Api) -> None:
    _, olga = await community_with_operator(api)
    course = await product(api, olga, price=5000)
    bob = await register(api, "demo", "bob")
    for n, method in enumerate(["tok_delayed", "tok_success", "tok_delayed", "tok_decline"]):
        await api.post(
            PURCHASE, {"i": {"productId": course, "idempotencyKey": f"k{n}", "paymentMethod": method}}, token=bob.token
        )
    sandbox = provider(api)
    await sandbox.drain()
    ledger_before = postings(api)
    payments_before = sorted((p["key"], p["status"]) for p in documents(api, "payments"))
    events = list(sandbox.sent_events) * 3
    random.Random(7).shuffle(events)
    # when: every event again, three times, in another order
    acks = [await billing(api).flow.receive_webhook(*sandbox.signed(event)) for event in events]
    # then
    assert {ack.duplicate for ack in acks} == {True}
    assert postings(api) == ledger_before
    assert sorted((p["key"], p["status"]) for p in documents(api, "payments")) == payments_before
    assert [s for _, s in payments_before].count("SUCCEEDED") == 3


async def test_webhook_with_a_wrong_signature_is_refused(api: Api) -> None:
    sandbox = provider(api)
    body, headers = sandbox.signed({"id": "evt_x", "type": "charge.succeeded", "data": {"key": "nope"}})
    tampered = body.replace(b"evt_x", b"evt_y")
    with pytest.raises(BadInputError, match="^webhook signature does not match$"):
        await billing(api).flow.receive_webhook(tampered, headers)
    assert documents(api, "webhook_events") == []


async def test_webhook_outside_the_timestamp_tolerance_is_refused(api: Api) -> None:
    sandbox = provider(api)
    event: dict[str, object] = {"id": "evt_old", "type": "charge.succeeded", "data": {"key": "nope"}}
    body, headers = sandbox.signed(event, timestamp=int(time.time()) - 301)
    with pytest.raises(BadInputError, match="^webhook timestamp is outside the tolerance$"):
        await billing(api).flow.receive_webhook(body, headers)
    assert documents(api, "webhook_events") == []


async def test_webhook_route_verifies_over_http(api: Api) -> None:
    sandbox = provider(api)
    body, headers = sandbox.signed({"id": "evt_http", "type": "charge.pending", "data": {"key": "none"}})
    services = api.app.state.services  # type: ignore[union-attr]
    client = services.billing._http
    first = await client.post("/webhooks/sandbox", content=body, headers=headers)
    second = await client.post("/webhooks/sandbox", content=body, headers=headers)
    refused = await client.post("/webhooks/sandbox", content=body, headers={})
    assert (first.json(), second.json()) == (
        {"received": True, "duplicate": False},
        {"received": True, "duplicate": True},
    )
    assert (refused.status_code, json.loads(refused.content)["code"]) == (400, "BAD_USER_INPUT")


async def test_a_lost_webhook_is_reconciled_by_the_cycle_without_charging_a_second_period(api: Api) -> None:
    from billing_service.payments.provider import ChargeStatus

    community_id, _ = await community_with_operator(api)
    plan_id = await create_plan(api, community_id, price=2900)
    bob = await register(api, "demo", "bob")
    sandbox = provider(api)
    sandbox.sink = None  # the provider's webhooks never arrive
    variables = {"i": {"planId": plan_id, "idempotencyKey": "d", "paymentMethod": "tok_delayed"}}
    sub = (await api.data(SUBSCRIBE, variables, token=bob.token))["subscribe"]["subscription"]
    for charge in sandbox.charges.values():
        charge.status = ChargeStatus.SUCCEEDED  # the provider settled it meanwhile
    # when
    cycle = "mutation($i: RunBillingCycleInput!) { runBillingCycle(input: $i) { renewed } }"
    result = await api.data(cycle, {"i": {"now": sub["currentPeriodEnd"]}}, admin=True)
    # then
    assert result["runBillingCycle"]["renewed"] == 0
    assert (await api.data(MEMBERSHIP, token=bob.token))["me"]["membership"]["status"] == "ACTIVE"
    assert (sandbox.charge_count(), len(postings(api, "membership_charge"))) == (1, 1)
