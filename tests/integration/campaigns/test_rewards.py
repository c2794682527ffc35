"""Campaign rewards through the gateway: verified from events, paid once through the ledger, within budget."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.factories import Api, count_documents, create_community, publish, register
from tests.integration.campaigns.helpers import (
    BALANCE,
    CAMPAIGN,
    CHECK_IN,
    CLAIM,
    account_total,
    cash,
    claim_vars,
    community_with_operator,
    create_campaign,
    ledger,
)

RECORD = "mutation($i: RecordEventInput!) { recordEvent(input: $i) { ok } }"
MY_REWARDS = "query { myCampaignRewards { id campaignId campaign { id } } }"
RELEASE = "mutation($i: ReleaseCampaignRewardsInput!) { releaseCampaignRewards(input: $i) { released } }"
CLAWBACK = """
mutation($i: ClawbackCampaignRewardInput!) { clawbackCampaignReward(input: $i) { reward { state clawbackReason } } }
"""
REPORT = """
query($c: ID!) {
  campaignReport(campaignId: $c) {
    participants spentCents cashHeldCents cashReleasedCents cashClawedBackCents pointsGranted
    steps { step members } tasks { taskId completed }
  }
}
"""


async def test_a_task_is_refused_until_the_events_show_it(api: Api) -> None:
    # given a campaign whose task is two votes, and a member who has voted once
    _, operator = await community_with_operator(api)
    bob = await register(api, "demo", "bob")
    content_id = await publish(api, operator, "Post")
    campaign = await create_campaign(
        api, operator, [{"kind": "VOTE", "title": "Vote twice", "count": 2, "reward": cash(500)}], budget=10_000
    )
    claim = claim_vars(campaign["id"], "t1")
    await api.data(RECORD, {"i": {"contentId": content_id, "type": "VOTE"}}, token=bob.token)
    # when bob claims, then he is refused and nothing is written
    errors = await api.errors(CLAIM, claim, token=bob.token)
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert errors[0]["extensions"]["field"] == "taskId"
    assert "1 of 2" in errors[0]["message"]
    assert ledger(api) == []
    # when the event log shows the second vote, then the claim pays 500 cents, held
    await api.data(RECORD, {"i": {"contentId": content_id, "type": "VOTE"}}, token=bob.token)
    reward = (await api.data(CLAIM, claim, token=bob.token))["claimCampaignTask"]["reward"]
    assert (reward["kind"], reward["state"], reward["amountCents"]) == ("CASH", "HELD", 500)
    balance = (await api.data(BALANCE, token=bob.token))["myCampaignBalance"]
    assert balance == {"heldCents": 500, "availableCents": 0, "clawedBackCents": 0}
    mine = (await api.data(MY_REWARDS, token=bob.token))["myCampaignRewards"]
    assert mine == [{"id": reward["id"], "campaignId": campaign["id"], "campaign": {"id": campaign["id"]}}]


async def test_a_reward_replayed_100_times_concurrently_pays_once(api: Api) -> None:
    # given a member whose check-in completes a 1-day streak task worth 800 cents
    _, operator = await community_with_operator(api)
    bob = await register(api, "demo", "bob")
    campaign = await create_campaign(
        api, operator, [{"kind": "CHECK_IN_STREAK", "title": "Check in", "reward": cash(800)}], budget=100_000
    )
    await api.data(CHECK_IN, {"i": {"campaignId": campaign["id"]}}, token=bob.token)
    # when the claim is sent 100 times at once
    claim = claim_vars(campaign["id"], "t1")
    bodies = await asyncio.gather(*(api.post(CLAIM, claim, token=bob.token) for _ in range(100)))
    # then every answer names the same reward, the budget paid it once, and the ledger holds one balanced grant
    assert [b.get("errors") for b in bodies if b.get("errors")] == []
    assert {b["data"]["claimCampaignTask"]["reward"]["id"] for b in bodies} == {
        bodies[0]["data"]["claimCampaignTask"]["reward"]["id"]
    }
    transactions = ledger(api)
    assert [t["kind"] for t in transactions] == ["campaign_reward_grant"]
    assert account_total(transactions, "costs:campaign_rewards") == (800, 0)
    assert account_total(transactions, "liabilities:member_rewards_held") == (0, 800)
    spent = (await api.data(CAMPAIGN, {"id": campaign["id"]}, token=bob.token))["campaign"]
    assert spent == {"spentCents": 800, "remainingCents": 99_200}
    final = (await api.data(CLAIM, claim, token=bob.token))["claimCampaignTask"]["reward"]
    assert final["state"] == "HELD"


async def test_a_budget_cap_holds_under_200_concurrent_claims(api: Api) -> None:
    # given 10 checked-in members and 20 one-day tasks of 100 cents each, under a budget of 5,000 cents
    _, operator = await community_with_operator(api)
    members = await asyncio.gather(*(register(api, "demo", f"m{i}") for i in range(10)))
    tasks = [{"kind": "CHECK_IN_STREAK", "title": f"Day {i}", "reward": cash(100)} for i in range(20)]
    campaign = await create_campaign(api, operator, tasks, budget=5_000)
    check_in = {"i": {"campaignId": campaign["id"]}}
    await asyncio.gather(*(api.data(CHECK_IN, check_in, token=member.token) for member in members))
    # when all 200 (member, task) claims are sent at once
    claims = [(m, t["id"]) for m in members for t in campaign["tasks"]]
    bodies = await asyncio.gather(*(api.post(CLAIM, claim_vars(campaign["id"], t), token=m.token) for m, t in claims))
    # then exactly 50 are paid and the other 150 are refused with CONFLICT; the ledger agrees to the cent
    paid = [b for b in bodies if not b.get("errors")]
    codes = [b["errors"][0]["extensions"]["code"] for b in bodies if b.get("errors")]
    assert (len(paid), codes) == (50, ["CONFLICT"] * 150)
    spent = (await api.data(CAMPAIGN, {"id": campaign["id"]}, token=operator.token))["campaign"]
    assert spent == {"spentCents": 5_000, "remainingCents": 0}
    assert account_total(ledger(api), "costs:campaign_rewards") == (5_000, 0)


async def test_held_cash_is_released_after_the_holding_period_and_clawed_back_from_the_balance(api: Api) -> None:
    # given a cash reward with no holding period and a points reward
    _, operator = await community_with_operator(api)
    bob = await register(api, "demo", "bob")
    tasks: list[dict[str, Any]] = [
        {"kind": "CHECK_IN_STREAK", "title": "Check in", "reward": cash(300)},
        {"kind": "CHECK_IN_STREAK", "title": "Points", "reward": {"kind": "POINTS", "points": 50}},
    ]
    campaign = await create_campaign(api, operator, tasks, budget=1_000, holding_days=0)
    await api.data(CHECK_IN, {"i": {"campaignId": campaign["id"]}}, token=bob.token)
    cash_reward = (await api.data(CLAIM, claim_vars(campaign["id"], "t1"), token=bob.token))["claimCampaignTask"]
    points = (await api.data(CLAIM, claim_vars(campaign["id"], "t2"), token=bob.token))["claimCampaignTask"]
    assert points["reward"]["state"] == "RELEASED"
    # when the operator releases due rewards, then the cash reaches bob's balance
    released = await api.data(RELEASE, {"i": {"campaignId": campaign["id"]}}, token=operator.token)
    assert released["releaseCampaignRewards"]["released"] == 1
    assert (await api.data(BALANCE, token=bob.token))["myCampaignBalance"]["availableCents"] == 300
    # when it is clawed back for fraud (twice), then the balance is emptied once and the cost reversed
    clawback = {"i": {"rewardId": cash_reward["reward"]["id"], "reason": "FRAUD"}}
    for _ in range(2):
        answer = await api.data(CLAWBACK, clawback, token=operator.token)
        assert answer["clawbackCampaignReward"]["reward"] == {"state": "CLAWED_BACK", "clawbackReason": "FRAUD"}
    balance = (await api.data(BALANCE, token=bob.token))["myCampaignBalance"]
    assert balance == {"heldCents": 0, "availableCents": 0, "clawedBackCents": 300}
    transactions = ledger(api)
    assert account_total(transactions, "costs:campaign_rewards") == (300, 300)
    assert account_total(transactions, "liabilities:member_balances") == (300, 300)
    report = (await api.data(REPORT, {"c": campaign["id"]}, token=operator.token))["campaignReport"]
    assert report["participants"] == 1
    assert (report["cashReleasedCents"], report["cashClawedBackCents"], report["pointsGranted"]) == (0, 300, 50)
    assert {s["step"]: s["members"] for s in report["steps"]} == {"CHECK_IN": 1, "TASK": 0, "SHARE": 0}


async def test_members_may_not_run_operator_campaign_mutations(api: Api) -> None:
    _, operator = await community_with_operator(api)
    bob = await register(api, "demo", "bob")
    campaign = await create_campaign(
        api, operator, [{"kind": "SHARE", "title": "Share", "reward": cash(100)}], budget=1_000
    )
    code = await api.error_code(RELEASE, {"i": {"campaignId": campaign["id"]}}, token=bob.token)
    assert code == "FORBIDDEN"
    assert await api.error_code(REPORT, {"c": campaign["id"]}, token=bob.token) == "FORBIDDEN"


async def test_bad_input_writes_nothing_and_another_community_sees_no_campaign(api: Api) -> None:
    _, operator = await community_with_operator(api)
    # a CASH reward without an amount is BAD_USER_INPUT and creates nothing
    bad = [{"kind": "VOTE", "title": "Vote", "reward": {"kind": "CASH"}}]
    errors = await api.errors(
        "mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { campaign { id } } }",
        {
            "i": {
                "name": "x",
                "theme": "y",
                "startsAt": "2026-01-01T00:00:00Z",
                "endsAt": "2026-02-01T00:00:00Z",
                "budgetCents": 100,
                "tasks": bad,
            }
        },
        token=operator.token,
    )
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert count_documents(api.settings, "users", "campaigns") == 0
    # a campaign of one community is not found from another
    campaign = await create_campaign(api, operator, [{"kind": "SHARE", "title": "S", "reward": cash(1)}], budget=10)
    await create_community(api, "other")
    stranger = await register(api, "other", "eve")
    assert await api.error_code(CAMPAIGN, {"id": campaign["id"]}, token=stranger.token) == "NOT_FOUND"
    assert await api.error_code(CLAIM, claim_vars(campaign["id"], "t1"), token=stranger.token) == "NOT_FOUND"
