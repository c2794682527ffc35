"""Ads with creator shares, data contracts over their term, receipts, awards and payouts, costs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.factories import Api, register
from tests.integration.billing.helpers import RUN_CYCLE, balances, community_with_operator, trial_balance

BOOK_AD = "mutation($i: BookAdCampaignInput!) { bookAdCampaign(input: $i) { id kind amountCents creatorShareCents } }"
SIGN_DATA = "mutation($i: SignDataContractInput!) { signDataContract(input: $i) { id kind amountCents } }"
RECEIPT = "mutation($i: RecordReceiptInput!) { recordReceipt(input: $i) { kind amountCents postingId } }"
AWARD = "mutation($i: AwardCreatorInput!) { awardCreator(input: $i) { kind amountCents } }"
PAYOUT = "mutation($i: PayCreatorInput!) { payCreator(input: $i) { kind amountCents } }"
COST = "mutation($i: RecordCostInput!) { recordCost(input: $i) { kind amountCents } }"


async def test_an_ad_campaign_books_revenue_and_the_creators_share(api: Api) -> None:
    _, olga = await community_with_operator(api)
    dave = await register(api, "demo", "dave")
    campaign = {
        "advertiser": "Brand Co",
        "amountCents": 8000,
        "currency": "CNY",
        "idempotencyKey": "ad-1",
        "creatorShares": [{"creatorId": dave.id, "shareBps": 2500}],
    }
    # when
    booked = (await api.data(BOOK_AD, {"i": campaign}, token=olga.token))["bookAdCampaign"]
    receipt = {"dealId": booked["id"], "amountCents": 8000, "idempotencyKey": "rc-1"}
    await api.data(RECEIPT, {"i": receipt}, token=olga.token)
    # then
    assert (booked["amountCents"], booked["creatorShareCents"]) == (8000, 2000)
    assert balances(await trial_balance(api, olga)) == {
        "assets:cash": 8000,
        "revenue:ads": 8000,
        "costs:creator_share": 2000,
        "liabilities:creator_payouts_payable": 2000,
    }


async def test_creator_shares_above_100_percent_are_bad_input(api: Api) -> None:
    _, olga = await community_with_operator(api)
    dave = await register(api, "demo", "dave")
    shares = [{"creatorId": dave.id, "shareBps": 6000}, {"creatorId": olga.id, "shareBps": 5000}]
    campaign = {
        "advertiser": "B",
        "amountCents": 100,
        "currency": "CNY",
        "idempotencyKey": "a",
        "creatorShares": shares,
    }
    errors = await api.errors(BOOK_AD, {"i": campaign}, token=olga.token)
    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "creatorShares"}


async def test_a_data_contract_is_recognised_over_its_term(api: Api) -> None:
    _, olga = await community_with_operator(api)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    contract = {
        "partner": "Acme Data",
        "amountCents": 3000,
        "currency": "CNY",
        "startsAt": start.isoformat(),
        "endsAt": (start + timedelta(days=30)).isoformat(),
        "idempotencyKey": "dc-1",
    }
    await api.data(SIGN_DATA, {"i": contract}, token=olga.token)
    # when: ten days in, then after the end
    await api.data(RUN_CYCLE, {"i": {"now": (start + timedelta(days=10)).isoformat()}}, admin=True)
    ten_days = balances(await trial_balance(api, olga))
    await api.data(RUN_CYCLE, {"i": {"now": (start + timedelta(days=31)).isoformat()}}, admin=True)
    done = balances(await trial_balance(api, olga))
    # then
    assert ten_days == {"assets:receivables": 3000, "liabilities:deferred_revenue": 2000, "revenue:data": 1000}
    assert done == {"assets:receivables": 3000, "revenue:data": 3000}


async def test_a_creator_is_paid_no_more_than_owed(api: Api) -> None:
    _, olga = await community_with_operator(api)
    dave = await register(api, "demo", "dave")
    await api.data(
        AWARD,
        {"i": {"creatorId": dave.id, "amountCents": 500, "reason": "UGC award", "idempotencyKey": "aw"}},
        token=olga.token,
    )
    # when
    paid = await api.data(
        PAYOUT, {"i": {"creatorId": dave.id, "amountCents": 300, "idempotencyKey": "p1"}}, token=olga.token
    )
    refused = await api.errors(
        PAYOUT, {"i": {"creatorId": dave.id, "amountCents": 201, "idempotencyKey": "p2"}}, token=olga.token
    )
    # then
    assert paid["payCreator"] == {"kind": "creator_payout", "amountCents": 300}
    assert refused[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "amountCents"}
    assert balances(await trial_balance(api, olga)) == {
        "assets:cash": -300,
        "costs:creator_awards": 500,
        "liabilities:creator_payouts_payable": 200,
    }


async def test_a_recorded_cost_replayed_is_booked_once(api: Api) -> None:
    _, olga = await community_with_operator(api)
    cost = {"amountCents": 1200, "description": "Course video editing", "idempotencyKey": "c1"}
    first = await api.data(COST, {"i": cost}, token=olga.token)
    second = await api.data(COST, {"i": cost}, token=olga.token)
    assert first == second
    assert balances(await trial_balance(api, olga)) == {"assets:cash": -1200, "costs:delivery": 1200}


async def test_a_member_cannot_book_revenue(api: Api) -> None:
    await community_with_operator(api)
    bob = await register(api, "demo", "bob")
    cost = {"amountCents": 1200, "description": "x", "idempotencyKey": "c1"}
    assert await api.error_code(COST, {"i": cost}, token=bob.token) == "FORBIDDEN"
