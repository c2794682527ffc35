"""Payments a crash left PENDING are completed or failed by the next billing cycle against the provider."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.factories import Api, register
from tests.integration.billing.helpers import (
    PURCHASE,
    RUN_CYCLE,
    billing,
    community_with_operator,
    documents,
    postings,
    product,
    provider,
)


async def crashed_purchase(api: Api, step: str) -> tuple[dict[str, dict[str, str]], str]:
    """A purchase whose process died at `step`, with the provider's webhooks lost too."""
    _, olga = await community_with_operator(api)
    course = await product(api, olga, price=5000)
    bob = await register(api, "demo", "bob")
    provider(api).sink = None
    variables = {"i": {"productId": course, "idempotencyKey": f"crash-{step}"}}
    billing(api).faults.arm(step)
    assert await api.error_code(PURCHASE, variables, token=bob.token) == "INTERNAL"
    assert [p["status"] for p in documents(api, "payments")] == ["PENDING"]
    return variables, bob.token


async def next_cycle(api: Api) -> None:
    later = datetime.now(UTC) + timedelta(minutes=5)  # past the grace a live request keeps its payment for
    await api.data(RUN_CYCLE, {"i": {"now": later.isoformat()}}, admin=True)


async def test_a_payment_charged_before_the_crash_is_settled_by_the_next_cycle(api: Api) -> None:
    variables, token = await crashed_purchase(api, "after_charge")
    # when
    await next_cycle(api)
    retried = await api.data(PURCHASE, variables, token=token)
    # then: one charge, one posting, one invoice; the client's retry answers what the cycle settled
    assert [p["status"] for p in documents(api, "payments")] == ["SUCCEEDED"]
    assert (provider(api).charge_count(), len(postings(api, "value_added_sale"))) == (1, 1)
    assert len(documents(api, "invoices")) == 1
    assert retried["purchase"]["status"] == "SUCCEEDED"


async def test_a_payment_never_charged_is_failed_and_a_late_retry_cannot_charge_it(api: Api) -> None:
    variables, token = await crashed_purchase(api, "after_intent")
    # when
    await next_cycle(api)
    late = await api.errors(PURCHASE, variables, token=token)
    # then
    assert [(p["status"], p["decline_reason"]) for p in documents(api, "payments")] == [("FAILED", "abandoned")]
    assert late[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert (provider(api).charge_count(), postings(api), documents(api, "invoices")) == (0, [], [])


async def test_a_payment_of_a_live_request_is_left_alone_within_the_grace(api: Api) -> None:
    await crashed_purchase(api, "after_charge")
    # when: the cycle runs at once (the request might still be running)
    await api.data(RUN_CYCLE, {"i": {}}, admin=True)
    # then
    assert [p["status"] for p in documents(api, "payments")] == ["PENDING"]
    assert postings(api) == []
