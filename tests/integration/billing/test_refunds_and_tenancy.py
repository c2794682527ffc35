"""Membership refunds take back unearned revenue first; billing data never crosses communities."""

from __future__ import annotations

from tests.factories import Api, create_plan, register
from tests.integration.billing.helpers import (
    PURCHASE,
    SUBSCRIBE,
    balances,
    community_with_operator,
    documents,
    product,
    services,
    trial_balance,
)

REFUND = "mutation($i: RefundPaymentInput!) { refundPayment(input: $i) { number totalCents } }"
SUBSCRIPTIONS = "query($f: Int!) { subscriptions(first: $f) { id } }"


async def test_a_membership_refund_comes_out_of_deferred_revenue_first(api: Api) -> None:
    community_id, olga = await community_with_operator(api)
    gold = await create_plan(api, community_id, price=2900)
    bob = await register(api, "demo", "bob")
    sub = (await api.data(SUBSCRIBE, {"i": {"planId": gold, "idempotencyKey": "s"}}, token=bob.token))["subscribe"]
    payment_id = sub["subscription"]["latestPaymentId"]
    # when
    note = await api.data(
        REFUND, {"i": {"paymentId": payment_id, "amountCents": 1000, "idempotencyKey": "r"}}, token=olga.token
    )
    # then
    assert note["refundPayment"] == {"number": "CN-000001", "totalCents": 1000}
    assert balances(await trial_balance(api, olga)) == {
        "assets:cash": 2900 - 17 - 1000,
        "costs:payment_fees": 17,
        "liabilities:deferred_revenue": 1900,
    }
    assert [s["amount"] for s in documents(api, "revenue_schedules")] == [1900]
    assert await services(api).billing.revenue_by_member(community_id) == {bob.id: 1900}


async def test_a_member_cannot_buy_another_communitys_product(api: Api) -> None:
    _, olga = await community_with_operator(api)
    course = await product(api, olga)
    await community_with_operator(api, "other")
    eve = await register(api, "other", "eve")
    code = await api.error_code(PURCHASE, {"i": {"productId": course, "idempotencyKey": "k"}}, token=eve.token)
    assert code == "NOT_FOUND"
    assert documents(api, "payments") == []


async def test_subscriptions_list_is_capped_at_100(api: Api) -> None:
    _, olga = await community_with_operator(api)
    errors = await api.errors(SUBSCRIPTIONS, {"f": 101}, token=olga.token)
    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}
