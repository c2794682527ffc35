"""The revenue report against a hand-computed fixture, and who may read the ledger."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.factories import Api, create_community, create_plan, publish, register
from tests.integration.billing.helpers import (
    PURCHASE,
    RUN_CYCLE,
    SUBSCRIBE,
    TRIAL_BALANCE,
    community_with_operator,
    product,
    services,
)

REPORT = """
query($p: String!) {
  revenueReport(period: $p) {
    period revenueCents costsCents grossMargin mrrCents arrCents arpuCents arpuTargetCents payingMembers
    logoChurn revenueChurn ltvCents cacCents ltvToCac cvr trialConversion cashCollectedCents refundsCents
    mix { stream amountCents share targetShare }
    funnel { engagedMembers payingMembers valueAddedBuyers conversion target }
    byPlan { planName mrrCents subscribers }
    byTier { tier payingMembers paidCents }
    byRfmLayer { layer payingMembers paidCents }
  }
}
"""
BOOK_AD = "mutation($i: BookAdCampaignInput!) { bookAdCampaign(input: $i) { id } }"
SIGN_DATA = "mutation($i: SignDataContractInput!) { signDataContract(input: $i) { id } }"
COST = "mutation($i: RecordCostInput!) { recordCost(input: $i) { amountCents } }"


async def test_revenue_report_matches_the_hand_computed_month(api: Api) -> None:
    from users_service.schemas import SpendCreate

    community_id, olga = await community_with_operator(api)
    gold = await create_plan(api, community_id, name="Gold", price=2900)
    course = await product(api, olga, price=10_000)
    bob = await register(api, "demo", "bob")
    carol = await register(api, "demo", "carol")
    dave = await register(api, "demo", "dave")
    now = datetime.now(UTC)
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    # membership 2900 (fee 17), a course 10000 (fee 60), ads 8000 with 25% to dave, data 6000 ended this month
    await api.data(SUBSCRIBE, {"i": {"planId": gold, "idempotencyKey": "s"}}, token=bob.token)
    await api.data(PURCHASE, {"i": {"productId": course, "idempotencyKey": "p"}}, token=carol.token)
    ad = {"advertiser": "Brand", "amountCents": 8000, "currency": "CNY", "idempotencyKey": "ad"}
    await api.data(
        BOOK_AD, {"i": {**ad, "creatorShares": [{"creatorId": dave.id, "shareBps": 2500}]}}, token=olga.token
    )
    data_end = month_start + (now - month_start) / 2
    contract = {"partner": "Acme", "amountCents": 6000, "currency": "CNY", "idempotencyKey": "dc"}
    contract.update(startsAt=month_start.isoformat(), endsAt=data_end.isoformat())
    await api.data(SIGN_DATA, {"i": contract}, token=olga.token)
    await api.data(
        COST, {"i": {"amountCents": 3000, "description": "Delivery", "idempotencyKey": "c"}}, token=olga.token
    )
    await services(api).users.record_spend(
        community_id, SpendCreate(channel="SEARCH", amount_cents=5000, currency="CNY", spent_at=now)
    )
    await api.data(RUN_CYCLE, {"i": {"now": now.isoformat()}}, admin=True)
    period = now.strftime("%Y-%m")
    # when
    report = (await api.data(REPORT, {"p": period}, token=olga.token))["revenueReport"]
    # then: revenue 0 + 10000 + 8000 + 6000 (membership is still deferred on day one of its period)
    assert report == {
        "period": period,
        "revenueCents": 24_000,
        "costsCents": 17 + 60 + 2000 + 3000,
        "grossMargin": round((24_000 - 5077) / 24_000, 4),
        "mrrCents": 2900,
        "arrCents": 34_800,
        "arpuCents": 5000,  # (0 membership + 10000 value-added) / 2 paying members
        "arpuTargetCents": 2860,
        "payingMembers": 2,
        "logoChurn": None,
        "revenueChurn": None,
        "ltvCents": None,
        "cacCents": 1250,  # 5000 spend / 4 members who joined this month (olga, bob, carol, dave)
        "ltvToCac": None,
        "cvr": None,
        "trialConversion": None,
        "cashCollectedCents": 2900 + 10_000,
        "refundsCents": 0,
        "mix": [
            {"stream": "MEMBERSHIP", "amountCents": 0, "share": 0.0, "targetShare": 0.35},
            {"stream": "VALUE_ADDED", "amountCents": 10_000, "share": 0.4167, "targetShare": 0.28},
            {"stream": "ADS", "amountCents": 8000, "share": 0.3333, "targetShare": 0.22},
            {"stream": "DATA", "amountCents": 6000, "share": 0.25, "targetShare": 0.15},
        ],
        "funnel": {"engagedMembers": 2, "payingMembers": 1, "valueAddedBuyers": 1, "conversion": 0.5, "target": 0.127},
        "byPlan": [{"planName": "Gold", "mrrCents": 2900, "subscribers": 1}],
        "byTier": [{"tier": "NEW", "payingMembers": 2, "paidCents": 12_900}],
        "byRfmLayer": [{"layer": "BASE", "payingMembers": 2, "paidCents": 12_900}],
    }


async def test_a_malformed_period_is_bad_input(api: Api) -> None:
    _, olga = await community_with_operator(api)
    errors = await api.errors(REPORT, {"p": "2026-13"}, token=olga.token)
    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "period"}


async def test_trial_balance_totals_agree(api: Api) -> None:
    community_id, olga = await community_with_operator(api)
    gold = await create_plan(api, community_id, price=2900)
    bob = await register(api, "demo", "bob")
    await api.data(SUBSCRIBE, {"i": {"planId": gold, "idempotencyKey": "s"}}, token=bob.token)
    balance = (await api.data(TRIAL_BALANCE, {}, token=olga.token))["trialBalance"]
    assert (balance["totalDebits"], balance["totalCredits"]) == (2917, 2917)
    assert balance["accounts"] == [
        {"account": "assets:cash", "debits": 2900, "credits": 17, "balance": 2883},
        {"account": "costs:payment_fees", "debits": 17, "credits": 0, "balance": 17},
        {"account": "liabilities:deferred_revenue", "debits": 0, "credits": 2900, "balance": 2900},
    ]


async def test_the_admin_key_reads_any_communitys_trial_balance(api: Api) -> None:
    community_id, _ = await community_with_operator(api)
    data = await api.data(TRIAL_BALANCE, {"c": community_id}, admin=True)
    assert data["trialBalance"] == {"accounts": [], "totalDebits": 0, "totalCredits": 0}


async def test_an_operator_cannot_read_another_communitys_ledger(api: Api) -> None:
    _, olga = await community_with_operator(api)
    other = await create_community(api, "other")
    code = await api.error_code(TRIAL_BALANCE, {"c": other}, token=olga.token)
    assert code == "FORBIDDEN"


async def test_a_member_cannot_read_the_trial_balance(api: Api) -> None:
    await community_with_operator(api)
    bob = await register(api, "demo", "bob")
    assert await api.error_code(TRIAL_BALANCE, {}, token=bob.token) == "FORBIDDEN"


async def test_churn_counts_a_subscription_live_at_the_start_that_ended_in_the_period(api: Api) -> None:
    community_id, olga = await community_with_operator(api)
    gold = await create_plan(api, community_id, price=2900)
    bob = await register(api, "demo", "bob")
    sub = (await api.data(SUBSCRIBE, {"i": {"planId": gold, "idempotencyKey": "s"}}, token=bob.token))["subscribe"]
    cancel = "mutation($i: CancelSubscriptionInput!) { cancelSubscription(input: $i) { id } }"
    await api.data(cancel, {"i": {"subscriptionId": sub["subscription"]["id"]}}, token=bob.token)
    end = datetime.fromisoformat(sub["subscription"]["currentPeriodEnd"])
    await api.data(RUN_CYCLE, {"i": {"now": end.isoformat()}}, admin=True)
    query = "query($p: String!) { revenueReport(period: $p) { revenueCents mrrCents logoChurn revenueChurn } }"
    # when: the month the period ended in
    report = (await api.data(query, {"p": end.strftime("%Y-%m")}, token=olga.token))["revenueReport"]
    # then: the whole period is recognised when it ends; the one subscription live at the start churned
    assert report == {"revenueCents": 2900, "mrrCents": 0, "logoChurn": 1.0, "revenueChurn": 1.0}


async def test_cvr_and_funnel_count_engaged_members_from_distribution(api: Api) -> None:
    community_id, olga = await community_with_operator(api)
    course = await product(api, olga, price=1000)
    gold = await create_plan(api, community_id, price=2900)
    bob = await register(api, "demo", "bob")
    eve = await register(api, "demo", "eve")
    item = await publish(api, olga, "Post")
    record = "mutation($i: RecordEventInput!) { recordEvent(input: $i) { ok } }"
    await api.data(record, {"i": {"contentId": item, "type": "OPEN"}}, token=eve.token)
    await api.data(SUBSCRIBE, {"i": {"planId": gold, "idempotencyKey": "s"}}, token=bob.token)
    await api.data(PURCHASE, {"i": {"productId": course, "idempotencyKey": "p"}}, token=bob.token)
    query = """
    query($p: String!) {
      revenueReport(period: $p) { cvr funnel { engagedMembers payingMembers valueAddedBuyers conversion } }
    }
    """
    # when
    report = (await api.data(query, {"p": datetime.now(UTC).strftime("%Y-%m")}, token=olga.token))["revenueReport"]
    # then: engaged = eve (activity) + bob (payer); bob pays and buys
    assert report == {
        "cvr": 0.5,
        "funnel": {"engagedMembers": 2, "payingMembers": 1, "valueAddedBuyers": 1, "conversion": 0.5},
    }
