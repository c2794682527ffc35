"""Subscription lifecycle: trials, renewals in the community's timezone, cancel, plan changes, coupons."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from billing_service.domain.plans import Interval
from billing_service.domain.proration import PlanPrice, decide_change
from tests.factories import Api, Member, create_plan, register
from tests.integration.billing.helpers import (
    MEMBERSHIP,
    RUN_CYCLE,
    SUBSCRIBE,
    balances,
    community_with_operator,
    documents,
    postings,
    trial_balance,
)

CANCEL = """
mutation($i: CancelSubscriptionInput!) { cancelSubscription(input: $i) { id status cancelAtPeriodEnd } }
"""
CHANGE = """
mutation($i: ChangePlanInput!) { changePlan(input: $i) { id status pendingPlanId plan { name } } }
"""
COUPON = "mutation($i: CreateCouponInput!) { createCoupon(input: $i) { code remaining } }"
SUBSCRIPTIONS = "query($s: [SubscriptionStatus!]) { subscriptions(status: $s, first: 10) { id status memberId } }"


async def cycle(api: Api, now: datetime) -> dict[str, Any]:
    data = await api.data(RUN_CYCLE, {"i": {"now": now.isoformat()}}, admin=True)
    result: dict[str, Any] = data["runBillingCycle"]
    return result


async def subscribed(api: Api, plan_id: str, member: Member, **extra: Any) -> dict[str, Any]:
    data = await api.data(SUBSCRIBE, {"i": {"planId": plan_id, "idempotencyKey": "s", **extra}}, token=member.token)
    sub: dict[str, Any] = data["subscribe"]["subscription"]
    return sub


def end_of(sub: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(sub["currentPeriodEnd"])


async def test_a_trial_without_payment_method_starts_then_converts_at_its_end(api: Api) -> None:
    community_id, _ = await community_with_operator(api)
    camp = await create_plan(api, community_id, name="Camp", price=9900, trialDays=7)
    bob = await register(api, "demo", "bob")
    sub = await subscribed(api, camp, bob)
    assert (sub["status"], postings(api)) == ("TRIALING", [])
    # when
    result = await cycle(api, end_of(sub) + timedelta(minutes=1))
    # then
    assert result["trialsConverted"] == 1
    membership = await api.data(MEMBERSHIP, token=bob.token)
    assert membership["me"]["membership"]["status"] == "ACTIVE"
    charge = postings(api, "membership_charge")
    assert [p["meta"]["period_start"] for p in charge] == [end_of(sub)]


async def test_renewal_bills_once_across_the_utc_date_line(api: Api) -> None:
    community_id, _ = await community_with_operator(api, timezone="Asia/Shanghai")
    gold = await create_plan(api, community_id, price=2900)
    bob = await register(api, "demo", "bob")
    sub = await subscribed(api, gold, bob)
    due = end_of(sub)
    # when: the cycle runs at the due moment, again, and the next UTC day (the same local renewal)
    first = await cycle(api, due)
    again = await cycle(api, due)
    next_utc_day = await cycle(api, due + timedelta(hours=20))
    # then
    assert (first["renewed"], again["renewed"], next_utc_day["renewed"]) == (1, 0, 0)
    charges = postings(api, "membership_charge")
    assert sorted(p["meta"]["period_start"] for p in charges) == [
        datetime.fromisoformat(sub["currentPeriodStart"]),
        due,
    ]


async def test_cancel_at_period_end_keeps_benefits_then_cancels_without_charging(api: Api) -> None:
    community_id, _ = await community_with_operator(api)
    gold = await create_plan(api, community_id, price=2900)
    bob = await register(api, "demo", "bob")
    sub = await subscribed(api, gold, bob)
    canceled = await api.data(CANCEL, {"i": {"subscriptionId": sub["id"]}}, token=bob.token)
    assert (canceled["cancelSubscription"]["status"], canceled["cancelSubscription"]["cancelAtPeriodEnd"]) == (
        "ACTIVE",
        True,
    )
    # when
    result = await cycle(api, end_of(sub))
    # then
    assert (result["canceled"], result["renewed"]) == (1, 0)
    assert (await api.data(MEMBERSHIP, token=bob.token))["me"]["membership"] is None
    assert len(postings(api, "membership_charge")) == 1


async def test_cancel_at_once_ends_access_and_recognises_the_paid_rest(api: Api) -> None:
    community_id, olga = await community_with_operator(api)
    gold = await create_plan(api, community_id, price=2900)
    bob = await register(api, "demo", "bob")
    sub = await subscribed(api, gold, bob)
    # when
    done = await api.data(CANCEL, {"i": {"subscriptionId": sub["id"], "atPeriodEnd": False}}, token=bob.token)
    # then
    assert done["cancelSubscription"]["status"] == "CANCELED"
    assert (await api.data(MEMBERSHIP, token=bob.token))["me"]["membership"] is None
    assert balances(await trial_balance(api, olga)) == {
        "assets:cash": 2900 - 17,
        "costs:payment_fees": 17,
        "revenue:membership": 2900,
    }


async def test_a_member_cannot_cancel_someone_elses_subscription(api: Api) -> None:
    community_id, _ = await community_with_operator(api)
    gold = await create_plan(api, community_id, price=2900)
    bob = await register(api, "demo", "bob")
    carol = await register(api, "demo", "carol")
    sub = await subscribed(api, gold, bob)
    code = await api.error_code(CANCEL, {"i": {"subscriptionId": sub["id"]}}, token=carol.token)
    assert code == "NOT_FOUND"


async def test_an_operator_cancels_any_subscription_of_the_community(api: Api) -> None:
    community_id, olga = await community_with_operator(api)
    gold = await create_plan(api, community_id, price=2900)
    bob = await register(api, "demo", "bob")
    sub = await subscribed(api, gold, bob)
    done = await api.data(CANCEL, {"i": {"subscriptionId": sub["id"], "atPeriodEnd": False}}, token=olga.token)
    listed = await api.data(SUBSCRIPTIONS, {"s": ["CANCELED"]}, token=olga.token)
    assert done["cancelSubscription"]["status"] == "CANCELED"
    assert listed["subscriptions"] == [{"id": sub["id"], "status": "CANCELED", "memberId": bob.id}]


async def test_upgrade_charges_the_prorated_difference_at_once(api: Api) -> None:
    community_id, _ = await community_with_operator(api)
    gold = await create_plan(api, community_id, name="Gold", price=2900)
    platinum = await create_plan(api, community_id, name="Platinum", price=5900)
    bob = await register(api, "demo", "bob")
    sub = await subscribed(api, gold, bob)
    # when
    changed = await api.data(
        CHANGE, {"i": {"subscriptionId": sub["id"], "planId": platinum, "idempotencyKey": "up"}}, token=bob.token
    )
    # then
    assert changed["changePlan"]["plan"]["name"] == "Platinum"
    upgrade = [p for p in documents(api, "payments") if p["purpose"]["type"] == "upgrade"][0]
    start, end = datetime.fromisoformat(sub["currentPeriodStart"]), end_of(sub)
    expected = decide_change(
        PlanPrice(2900, Interval.MONTH), PlanPrice(5900, Interval.MONTH), start, end, upgrade["created_at"]
    )
    assert (upgrade["status"], upgrade["amount_cents"]) == ("SUCCEEDED", expected.charge_cents)
    assert 2990 <= upgrade["amount_cents"] <= 3000


async def test_downgrade_waits_for_the_period_end(api: Api) -> None:
    community_id, _ = await community_with_operator(api)
    gold = await create_plan(api, community_id, name="Gold", price=2900)
    basic = await create_plan(api, community_id, name="Basic", price=900)
    bob = await register(api, "demo", "bob")
    sub = await subscribed(api, gold, bob)
    changed = await api.data(
        CHANGE, {"i": {"subscriptionId": sub["id"], "planId": basic, "idempotencyKey": "down"}}, token=bob.token
    )
    assert (changed["changePlan"]["plan"]["name"], changed["changePlan"]["pendingPlanId"]) == ("Gold", basic)
    # when
    result = await cycle(api, end_of(sub))
    # then
    assert (result["planChanges"], result["renewed"]) == (1, 1)
    assert [p["amount_cents"] for p in documents(api, "payments")] == [2900, 900]
    assert (await api.data(MEMBERSHIP, token=bob.token))["me"]["membership"]["plan"]["name"] == "Basic"


async def test_a_forever_coupon_discounts_every_charge(api: Api) -> None:
    community_id, olga = await community_with_operator(api)
    gold = await create_plan(api, community_id, price=2900)
    await api.data(
        COUPON,
        {"i": {"code": "half", "percentOff": 50, "duration": "FOREVER", "audience": "RFM:at-risk"}},
        token=olga.token,
    )
    bob = await register(api, "demo", "bob")
    sub = await subscribed(api, gold, bob, couponCode="HALF")
    # when
    await cycle(api, end_of(sub))
    # then
    assert [p["amount_cents"] for p in documents(api, "payments")] == [1450, 1450]


async def test_monthly_to_annual_starts_a_new_year_with_the_unused_month_credited(api: Api) -> None:
    community_id, olga = await community_with_operator(api)
    gold = await create_plan(api, community_id, name="Gold", price=2900)
    annual = await create_plan(api, community_id, name="Annual", price=29_000, interval="YEAR")
    bob = await register(api, "demo", "bob")
    sub = await subscribed(api, gold, bob)
    # when
    await api.data(
        CHANGE, {"i": {"subscriptionId": sub["id"], "planId": annual, "idempotencyKey": "y"}}, token=bob.token
    )
    # then
    upgrade = [p for p in documents(api, "payments") if p["purpose"]["type"] == "upgrade"][0]
    start, end = datetime.fromisoformat(sub["currentPeriodStart"]), end_of(sub)
    expected = decide_change(
        PlanPrice(2900, Interval.MONTH), PlanPrice(29_000, Interval.YEAR), start, end, upgrade["created_at"]
    )
    assert (upgrade["amount_cents"], expected.restart_period) == (expected.charge_cents, True)
    deferred = balances(await trial_balance(api, olga))["liabilities:deferred_revenue"]
    assert deferred == 2900 + upgrade["amount_cents"]  # the old month's rest carries into the new year
    schedules = documents(api, "revenue_schedules")
    assert sorted((s["open"], s["amount"]) for s in schedules) == [(False, 2900), (True, deferred)]


async def test_cancel_at_once_after_an_upgrade_ends_all_mrr_and_defers_nothing(api: Api) -> None:
    community_id, olga = await community_with_operator(api)
    gold = await create_plan(api, community_id, name="Gold", price=2900)
    platinum = await create_plan(api, community_id, name="Platinum", price=5900)
    bob = await register(api, "demo", "bob")
    sub = await subscribed(api, gold, bob)
    await api.data(
        CHANGE, {"i": {"subscriptionId": sub["id"], "planId": platinum, "idempotencyKey": "u"}}, token=bob.token
    )
    # when
    await api.data(CANCEL, {"i": {"subscriptionId": sub["id"], "atPeriodEnd": False}}, token=bob.token)
    # then
    period = datetime.fromisoformat(sub["currentPeriodStart"]).strftime("%Y-%m")
    report = await api.data(
        "query($p: String!) { revenueReport(period: $p) { mrrCents } }", {"p": period}, token=olga.token
    )
    assert report["revenueReport"]["mrrCents"] == 0
    assert "liabilities:deferred_revenue" not in balances(await trial_balance(api, olga))
    assert {s["open"] for s in documents(api, "revenue_schedules")} == {False}


async def test_an_exhausted_coupon_is_refused_and_saves_nothing(api: Api) -> None:
    community_id, olga = await community_with_operator(api)
    gold = await create_plan(api, community_id, price=2900)
    await api.data(COUPON, {"i": {"code": "ONE", "amountOffCents": 900, "maxRedemptions": 1}}, token=olga.token)
    bob = await register(api, "demo", "bob")
    carol = await register(api, "demo", "carol")
    await subscribed(api, gold, bob, couponCode="ONE")
    errors = await api.errors(
        SUBSCRIBE, {"i": {"planId": gold, "idempotencyKey": "s", "couponCode": "ONE"}}, token=carol.token
    )
    assert errors[0]["extensions"] == {"code": "NOT_FOUND", "field": "couponCode"}
    assert [p["amount_cents"] for p in documents(api, "payments")] == [2000]
