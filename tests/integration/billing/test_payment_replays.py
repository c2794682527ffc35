"""Done-when: 1,000 replays of one payment, sequential and 100 at a time, give one charge and one posting."""

from __future__ import annotations

import asyncio
from typing import Any

from billing_service.schemas import PurchaseCreate
from tests.factories import Api, create_plan, register
from tests.integration.billing.helpers import (
    PURCHASE,
    SUBSCRIBE,
    community_with_operator,
    postings,
    product,
    provider,
    services,
)

REPLAYS = 1000
CONCURRENCY = 100
# A replay that meets the first request still in flight is answered CONFLICT "in progress; retry" (on a loaded
# machine the wait for it can run out): a client retries it, as the documented answer says, a bounded number of times.
RETRIES = 20


def in_progress(answer: dict[str, Any]) -> bool:
    return any(e.get("extensions", {}).get("code") == "CONFLICT" for e in answer.get("errors", []))


async def settled(api: Api, query: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
    """The answer once the key's first request has finished, retrying the documented "in progress" CONFLICT."""
    for attempt in range(RETRIES):
        answer = await api.post(query, variables, token=token)
        if not in_progress(answer):
            return answer
        await asyncio.sleep(0.05 * (attempt + 1))
    raise AssertionError(f"still in progress after {RETRIES} retries")


async def test_a_thousand_sequential_replays_charge_once(api: Api) -> None:
    """The first and the last purchase cross the gateway; the 998 between go to the billing service's client.

    Idempotency is the billing service's (the gateway maps the input and passes the key on), so the replays in
    between are sent where the answer is decided, without a GraphQL round each; the gateway-level storm is the
    next test's.
    """
    community_id, olga = await community_with_operator(api)
    course = await product(api, olga)
    bob = await register(api, "demo", "bob")
    variables = {"i": {"productId": course, "idempotencyKey": "buy-once"}}
    replay = PurchaseCreate(member_id=bob.id, product_id=course, idempotency_key="buy-once")
    # when
    first = await api.post(PURCHASE, variables, token=bob.token)
    between = [await services(api).billing.purchase(community_id, replay) for _ in range(REPLAYS - 2)]
    last = await api.post(PURCHASE, variables, token=bob.token)
    # then
    payment = first["data"]["purchase"]
    assert payment["status"] == "SUCCEEDED"
    assert last["data"] == first["data"]
    assert {(p.id, p.status, p.amount_cents, p.invoice_id) for p in between} == {
        (payment["id"], "SUCCEEDED", payment["amountCents"], payment["invoiceId"])
    }
    assert provider(api).charge_count() == 1
    assert [p["posting_id"] for p in postings(api)] == [f"payment:{payment['id']}"]


async def test_a_thousand_replays_a_hundred_at_a_time_charge_once(api: Api) -> None:
    community_id, olga = await community_with_operator(api)
    course = await product(api, olga)
    bob = await register(api, "demo", "bob")
    variables = {"i": {"productId": course, "idempotencyKey": "buy-race"}}
    # when
    answers = []
    for _ in range(REPLAYS // CONCURRENCY):
        answers += await asyncio.gather(*(settled(api, PURCHASE, variables, bob.token) for _ in range(CONCURRENCY)))
    # then
    errors = [e for a in answers for e in a.get("errors", [])]
    assert errors == []
    assert all(answer["data"] == answers[0]["data"] for answer in answers)
    assert provider(api).charge_count() == 1
    assert [p["posting_id"] for p in postings(api)] == [f"payment:{answers[0]['data']['purchase']['id']}"]


async def test_concurrent_subscribe_replays_charge_once(api: Api) -> None:
    community_id, _ = await community_with_operator(api)
    plan_id = await create_plan(api, community_id, price=2900)
    bob = await register(api, "demo", "bob")
    variables = {"i": {"planId": plan_id, "idempotencyKey": "sub-race"}}
    # when
    answers = await asyncio.gather(*(settled(api, SUBSCRIBE, variables, bob.token) for _ in range(CONCURRENCY)))
    # then
    statuses = {a["data"]["subscribe"]["subscription"]["status"] for a in answers}
    assert statuses == {"ACTIVE"}
    assert provider(api).charge_count() == 1
    assert len(postings(api, "membership_charge")) == 1
