"""Webhooks through the gateway, to a real local HTTP receiver that runs the verification code of
docs/partners.md: a partner key registers an endpoint, a published piece arrives signed and verifies; stale and
tampered messages are refused; a failing receiver is retried on the schedule (an injected clock, no sleeps) and
disabled with a notice; an operator replays a delivery; another community's key sees nothing of it."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from bson import ObjectId
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.factories import Api, create_plan, publish, register
from tests.integration.billing.helpers import PURCHASE, SUBSCRIBE, product
from tests.integration.content.support import content_app, relay
from tests.integration.partners.receiver import Receiver, local_receiver
from tests.integration.partners.support import create_key, tenant

DOCS = Path(__file__).resolve().parents[3] / "docs" / "partners.md"
CREATE = """
mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { endpoint { id url eventTypes enabled legacy } secret }
}
"""
UPDATE = """
mutation($input: UpdateWebhookEndpointInput!) {
  updateWebhookEndpoint(input: $input) { endpoint { id enabled consecutiveFailures disabledReason } }
}
"""
ENDPOINTS = "{ webhookEndpoints { id url enabled disabledAt disabledReason consecutiveFailures } }"
DELIVERIES = """
query($endpointId: ID) {
  webhookDeliveries(endpointId: $endpointId) {
    id eventId endpointId topic status attempts lastStatusCode nextAttemptAt
    log { at ok statusCode latencyMs detail }
  }
}
"""
CANCEL = "mutation($i: CancelSubscriptionInput!) { cancelSubscription(input: $i) { id status } }"
NOTICES = "{ webhookNotices { kind endpointId url message } }"
REPLAY = """
mutation($input: ReplayWebhookDeliveryInput!) { replayWebhookDelivery(input: $input) { id eventId status } }
"""


def service_app(api: Api, name: str) -> Any:
    assert api.app is not None
    return api.app.state.services.apps[name]


def users_app(api: Api) -> Any:
    return service_app(api, "users")


def documented_code() -> dict[str, Any]:
    """The Python block of docs/partners.md's "Verify a delivery", run as a partner would paste it."""
    text = DOCS.read_text()
    match = re.search(r"<!-- webhook-verify -->\s*```python\n(.*?)```", text, re.S)
    assert match, "docs/partners.md lost its verification code"
    namespace: dict[str, Any] = {}
    exec(compile(match.group(1), str(DOCS), "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace


async def endpoint_for(api: Api, token: str, receiver: Receiver, types: list[str]) -> dict[str, Any]:
    created = (await api.data(CREATE, {"input": {"url": receiver.url, "eventTypes": types}}, token=token))[
        "createWebhookEndpoint"
    ]
    assert created["secret"].startswith("whsec_")
    return created


async def test_a_published_piece_arrives_signed_verifies_and_is_replayed_with_the_same_id(gateway_with: Any) -> None:
    docs = documented_code()
    with local_receiver(lambda body, headers: docs["receive"](body, headers)) as receiver:
        async with gateway_with(OUTBOX_RELAY_ENABLED=False, WEBHOOK_ALLOW_LOOPBACK=True) as api:
            acme = await tenant(api, "acme")
            key, _ = await create_key(api, acme.operator, ["webhooks:manage"])
            created = await endpoint_for(api, key, receiver, ["content.published"])
            docs["SECRET"] = created["secret"]
            author = await register(api, "acme", "alice")
            content_id = await publish(api, author, "Chain lube")
            await relay(api).relay_once()
            worker = content_app(api).state.webhook_worker
            # A worker that sends and dies before logging: the delivery stays leased, then goes out again.
            now = datetime.now(UTC)
            (claimed,) = await worker.store.claim_due(now=now, lease=worker.lease, limit=10)
            endpoint = await worker.store.endpoint_by_id(claimed["endpoint_id"])
            await worker.sender.send(endpoint, claimed, now)
            assert (await worker.deliver_once(now=now)).delivered == 0  # still leased: not sent twice at once
            await worker.deliver_once(now=now + worker.lease)
            (delivery,) = (await api.data(DELIVERIES, token=key))["webhookDeliveries"]
            await api.data(REPLAY, {"input": {"deliveryId": delivery["id"]}}, token=acme.operator.token)
            await worker.deliver_once()
            replayed = (await api.data(DELIVERIES, token=key))["webhookDeliveries"][0]

    crashed, first, again = receiver.requests
    assert crashed.headers["webhook-id"] == first.headers["webhook-id"]  # at least once, with the same id
    event = docs["verify"](created["secret"], first.body, first.headers)
    assert (event["type"], event["data"], event["communityId"]) == (
        "content.published",
        {"contentId": content_id},
        acme.community_id,
    )
    assert (first.status, again.status) == (204, 204)
    assert first.headers["webhook-id"] == again.headers["webhook-id"] == delivery["eventId"]
    assert again.body == first.body
    assert delivery["status"] == "DELIVERED"
    assert delivery["lastStatusCode"] == 204
    assert delivery["log"][0]["statusCode"] == 204
    assert delivery["log"][0]["latencyMs"] >= 0
    assert (replayed["status"], replayed["attempts"]) == ("DELIVERED", 2)
    assert len(docs["handled"]) == 1  # the receiver handled the event once, whatever came again
    # A stale message (validly signed 10 minutes ago) and a tampered one are refused by the same code.
    stale_at = datetime.now(UTC) - timedelta(minutes=10)
    stale = {
        "webhook-id": first.headers["webhook-id"],
        "webhook-timestamp": str(int(stale_at.timestamp())),
        "webhook-signature": Webhook(created["secret"]).sign(
            first.headers["webhook-id"], stale_at, first.body.decode()
        ),
    }
    with pytest.raises(WebhookVerificationError, match="too old"):
        docs["verify"](created["secret"], first.body, stale)
    tampered = first.body.replace(content_id.encode(), b"0" * 24)
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        docs["verify"](created["secret"], tampered, first.headers)
    assert docs["receive"](tampered, first.headers) == 400


async def test_a_failing_receiver_is_retried_on_the_schedule_then_disabled_with_a_notice(gateway_with: Any) -> None:
    with local_receiver(lambda body, headers: 503) as receiver:
        settings = {"WEBHOOK_DISABLE_AFTER_HOURS": 24, "WEBHOOK_DISABLE_AFTER_FAILURES": 9}
        async with gateway_with(OUTBOX_RELAY_ENABLED=False, WEBHOOK_ALLOW_LOOPBACK=True, **settings) as api:
            acme = await tenant(api, "acme")
            created = await endpoint_for(api, acme.operator.token, receiver, ["content.published"])
            await publish(api, await register(api, "acme", "alice"), "Chain lube")
            await relay(api).relay_once()
            worker = content_app(api).state.webhook_worker
            await worker.deliver_once()
            for _ in range(12):  # step the clock to each retry
                (delivery,) = (await api.data(DELIVERIES, token=acme.operator.token))["webhookDeliveries"]
                if delivery["status"] != "PENDING":
                    break
                await worker.deliver_once(now=datetime.fromisoformat(delivery["nextAttemptAt"]))
            (endpoint,) = (await api.data(ENDPOINTS, token=acme.operator.token))["webhookEndpoints"]
            notices = (await api.data(NOTICES, token=acme.operator.token))["webhookNotices"]
            refused = await api.error_code(REPLAY, {"input": {"deliveryId": delivery["id"]}}, token=acme.operator.token)
            await api.data(UPDATE, {"input": {"id": endpoint["id"], "enabled": True}}, token=acme.operator.token)
            replayed = await api.data(REPLAY, {"input": {"deliveryId": delivery["id"]}}, token=acme.operator.token)

    times = [datetime.fromisoformat(a["at"]) for a in delivery["log"]]
    gaps = [round((b - a).total_seconds()) for a, b in zip(times, times[1:], strict=False)]
    assert gaps == [30, 120, 480, 1920, 7680, 28800, 28800, 28800]  # exponential, capped, past 24 hours
    assert (delivery["status"], delivery["attempts"], delivery["lastStatusCode"]) == ("FAILED", 9, 503)
    assert len(receiver.requests) == 9
    assert {r.status for r in receiver.requests} == {503}
    assert endpoint["enabled"] is False
    assert "9 failed attempts" in endpoint["disabledReason"]
    assert [(n["kind"], n["endpointId"], n["url"]) for n in notices] == [
        ("ENDPOINT_DISABLED", created["endpoint"]["id"], receiver.url)
    ]
    assert refused == "CONFLICT"  # a disabled endpoint's deliveries are not replayed until it is enabled
    assert replayed["replayWebhookDelivery"]["status"] == "PENDING"


async def test_users_and_billing_events_arrive_and_a_key_of_one_community_sees_nothing_of_anothers_webhooks(
    gateway_with: Any,
) -> None:
    with local_receiver(lambda body, headers: 204) as receiver:
        async with gateway_with(OUTBOX_RELAY_ENABLED=False, WEBHOOK_ALLOW_LOOPBACK=True) as api:
            acme = await tenant(api, "acme")
            globex = await tenant(api, "globex")
            types = ["member.joined", "payment.succeeded", "subscription.canceled", "tier.changed"]
            created = await endpoint_for(api, acme.operator.token, receiver, types)
            alice = await register(api, "acme", "alice")  # users_service's event, through its outbox
            course = await product(api, acme.operator, price=5000)
            await api.data(PURCHASE, {"i": {"productId": course, "idempotencyKey": "k1"}}, token=alice.token)
            plan = await create_plan(api, acme.community_id)
            subscribed = await api.data(SUBSCRIBE, {"i": {"planId": plan, "idempotencyKey": "s"}}, token=alice.token)
            subscription_id = subscribed["subscribe"]["subscription"]["id"]
            cancel = {"i": {"subscriptionId": subscription_id, "atPeriodEnd": False}}
            await api.data(CANCEL, cancel, token=alice.token)
            # A tier run's move, recorded the way the run records it (a two-member community moves nobody).
            move = {"member_id": ObjectId(alice.id), "from": "NEW", "to": "CORE", "at": datetime.now(UTC)}
            value = users_app(api).state.service.value
            await value._record_tier_changes(
                ObjectId(acme.community_id), [{"community_id": ObjectId(acme.community_id), **move}]
            )
            await users_app(api).state.relay.relay_once()
            await service_app(api, "billing").state.relay.relay_once()  # billing's, through its outbox
            await content_app(api).state.webhook_worker.deliver_once()
            deliveries = (await api.data(DELIVERIES, token=acme.operator.token))["webhookDeliveries"]
            delivery = deliveries[0]
            key, _ = await create_key(api, globex.operator, ["webhooks:manage"])
            endpoint_id = created["endpoint"]["id"]

            listed = (await api.data(ENDPOINTS, token=key))["webhookEndpoints"]
            logged = (await api.data(DELIVERIES, token=key))["webhookDeliveries"]
            by_endpoint = (await api.data(DELIVERIES, {"endpointId": endpoint_id}, token=key))["webhookDeliveries"]
            update = await api.error_code(UPDATE, {"input": {"id": endpoint_id, "enabled": False}}, token=key)
            replay = await api.error_code(REPLAY, {"input": {"deliveryId": delivery["id"]}}, token=key)
            other = await api.errors(
                "query($c: ID) { webhookEndpoints(communityId: $c) { id } }", {"c": acme.community_id}, token=key
            )
            unscoped, _ = await create_key(api, acme.operator, ["content:read"])
            no_scope = await api.errors(ENDPOINTS, token=unscoped)

    assert (listed, logged, by_endpoint) == ([], [], [])
    assert (update, replay) == ("NOT_FOUND", "NOT_FOUND")
    assert other[0]["extensions"]["code"] == "FORBIDDEN"
    assert no_scope[0]["extensions"] == {"code": "FORBIDDEN", "scope": "webhooks:manage"}
    bodies = {json.loads(r.body)["type"]: json.loads(r.body)["data"] for r in receiver.requests}
    payments = [json.loads(r.body)["data"] for r in receiver.requests if b"payment.succeeded" in r.body]
    assert bodies["member.joined"]["memberId"] == alice.id
    assert sorted((p["memberId"], p["amountCents"]) for p in payments) == [(alice.id, 2900), (alice.id, 5000)]
    assert bodies["subscription.canceled"]["subscriptionId"] == subscription_id
    assert (bodies["tier.changed"]["memberId"], bodies["tier.changed"]["toTier"]) == (alice.id, "CORE")
    assert sorted((d["topic"], d["status"]) for d in deliveries) == [
        ("member.joined", "DELIVERED"),
        ("payment.succeeded", "DELIVERED"),  # the purchase
        ("payment.succeeded", "DELIVERED"),  # the subscription's first period
        ("subscription.canceled", "DELIVERED"),
        ("tier.changed", "DELIVERED"),
    ]
