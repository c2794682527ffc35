"""Commerce figures of the health indicators, read from the ledger and subscriptions after real payments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bson import ObjectId

from tests.factories import Api, create_plan, register
from tests.integration.billing.helpers import PURCHASE, SUBSCRIBE, billing, community_with_operator, product


async def test_a_subscription_and_a_purchase_are_two_first_time_sales(api: Api) -> None:
    cid, olga = await community_with_operator(api)
    gold = await create_plan(api, cid, price=2900)
    course = await product(api, olga, price=10_000)
    bob = await register(api, "demo", "bob")
    carol = await register(api, "demo", "carol")
    await api.data(SUBSCRIBE, {"i": {"planId": gold, "idempotencyKey": "s"}}, token=bob.token)
    await api.data(PURCHASE, {"i": {"productId": course, "idempotencyKey": "p"}}, token=carol.token)
    now = datetime.now(UTC) + timedelta(seconds=1)
    figures = await billing(api).figures.commerce(ObjectId(cid), now)
    # The course is revenue at once; the membership charge is deferred until recognised; fees are costs.
    assert (figures.revenue_cents, figures.value_added_cents, figures.membership_cents) == (10_000, 10_000, 0)
    assert figures.costs_cents == 77
    assert (figures.sales, figures.sales_cents) == (2, 12_900)
    assert (figures.payers, figures.new_payers, figures.payers_previous, figures.repeat_payers) == (2, 2, 0, 0)
    before = await billing(api).figures.commerce(ObjectId(cid), now - timedelta(days=1))
    assert (before.sales, before.payers, before.revenue_cents) == (0, 0, 0)
