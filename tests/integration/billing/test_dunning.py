"""Dunning: failed renewals retried at +1, +1, +8 days; notice day 10, access blocked day 14, canceled day 21."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.factories import Api, create_plan, register
from tests.integration.billing.helpers import (
    MEMBERSHIP,
    RUN_CYCLE,
    SUBSCRIBE,
    community_with_operator,
    documents,
    provider,
)

NOTIFICATIONS = "query { billingNotifications(first: 20) { kind subscriptionId subscription { id status } } }"


async def run(api: Api, now: datetime) -> dict[str, int]:
    data = await api.data(RUN_CYCLE, {"i": {"now": now.isoformat()}}, admin=True)
    result: dict[str, int] = data["runBillingCycle"]
    return result


async def test_failed_renewal_walks_the_dunning_schedule_to_cancellation(api: Api) -> None:
    community_id, olga = await community_with_operator(api)
    gold = await create_plan(api, community_id, price=2900)
    bob = await register(api, "demo", "bob")
    data = await api.data(SUBSCRIBE, {"i": {"planId": gold, "idempotencyKey": "s"}}, token=bob.token)
    due = datetime.fromisoformat(data["subscribe"]["subscription"]["currentPeriodEnd"])
    provider(api).expire_method("tok_success")
    seen: list[tuple[int, str, bool]] = []
    # when: the scheduler runs daily for three weeks
    for day in range(22):
        await run(api, due + timedelta(days=day))
        membership = (await api.data(MEMBERSHIP, token=bob.token))["me"]["membership"]
        seen.append(
            (day, membership["status"] if membership else "NONE", bool(membership and membership["accessBlocked"]))
        )
    # then
    attempts = sorted(p["key"].rsplit(":", 1)[-1] for p in documents(api, "payments") if p["status"] == "FAILED")
    assert attempts == ["1", "retry1", "retry2", "retry3"]
    assert seen[0] == (0, "PAST_DUE", False)
    assert seen[13] == (13, "PAST_DUE", False)
    assert seen[14] == (14, "PAST_DUE", True)
    assert seen[20] == (20, "PAST_DUE", True)
    assert seen[21] == (21, "NONE", False)
    notices = (await api.data(NOTIFICATIONS, token=olga.token))["billingNotifications"]
    kinds = [n["kind"] for n in notices]
    # the first period's receipt, then the dunning notices
    expected = ["PAYMENT_RECEIVED"] + ["PAYMENT_FAILED"] * 4 + ["FINAL_NOTICE", "ACCESS_BLOCKED", "CANCELED"]
    assert sorted(kinds) == sorted(expected)
    # and: each notice links the subscription it is about (ended by dunning)
    assert {(n["subscription"]["id"], n["subscription"]["status"]) for n in notices} == {
        (notices[0]["subscriptionId"], "CANCELED")
    }


async def test_a_successful_retry_restores_the_membership(api: Api) -> None:
    community_id, _ = await community_with_operator(api)
    gold = await create_plan(api, community_id, price=2900)
    bob = await register(api, "demo", "bob")
    data = await api.data(SUBSCRIBE, {"i": {"planId": gold, "idempotencyKey": "s"}}, token=bob.token)
    due = datetime.fromisoformat(data["subscribe"]["subscription"]["currentPeriodEnd"])
    provider(api).expire_method("tok_success")
    await run(api, due)
    provider(api).expire_method("tok_success", expired=False)
    # when
    result = await run(api, due + timedelta(days=1))
    # then
    assert result["renewed"] == 1
    membership = (await api.data(MEMBERSHIP, token=bob.token))["me"]["membership"]
    assert (membership["status"], membership["accessBlocked"]) == ("ACTIVE", False)
