"""Driving campaigns through the gateway: a running campaign, claims, and the ledger's ground truth."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.db_client import db_client
from tests.factories import Api, Member, create_community, grant, register

CREATE = """
mutation($i: CreateCampaignInput!) {
  createCampaign(input: $i) { campaign { id budgetCents remainingCents tasks { id kind step count } } }
}
"""
CHECK_IN = """
mutation($i: CheckInCampaignInput!) {
  checkInCampaign(input: $i) { participation { currentStreak bestStreak checkIns outcome timezone } }
}
"""
CLAIM = """
mutation($i: ClaimCampaignTaskInput!) {
  claimCampaignTask(input: $i) { reward { id kind state amountCents points taskId releasableAt fulfilment } }
}
"""
CAMPAIGN = "query($id: ID!) { campaign(id: $id) { spentCents remainingCents } }"
BALANCE = "{ myCampaignBalance { heldCents availableCents clawedBackCents } }"


async def community_with_operator(api: Api) -> tuple[str, Member]:
    cid = await create_community(api, "demo")
    operator = await register(api, "demo", "op")
    await grant(api, cid, "op", "OPERATOR")
    return cid, operator


def cash(amount: int) -> dict[str, Any]:
    return {"kind": "CASH", "amountCents": amount}


async def create_campaign(
    api: Api,
    operator: Member,
    tasks: list[dict[str, Any]],
    *,
    budget: int,
    holding_days: int = 7,
    **extra: Any,
) -> dict[str, Any]:
    now = datetime.now(UTC)
    variables = {
        "i": {
            "name": "Spring",
            "theme": "春季打卡",
            "startsAt": (now - timedelta(hours=1)).isoformat(),
            "endsAt": (now + timedelta(days=7)).isoformat(),
            "budgetCents": budget,
            "holdingDays": holding_days,
            "tasks": tasks,
            **extra,
        }
    }
    campaign: dict[str, Any] = (await api.data(CREATE, variables, token=operator.token))["createCampaign"]["campaign"]
    return campaign


def claim_vars(campaign_id: str, task_id: str) -> dict[str, Any]:
    return {"i": {"campaignId": campaign_id, "taskId": task_id}}


def ledger(api: Api) -> list[dict[str, Any]]:
    """Every ledger transaction, straight from billing's database."""
    with db_client(api.settings.mongodb_uri) as client:
        return list(client[api.settings.database_name("billing")]["ledger_transactions"].find())


def account_total(transactions: list[dict[str, Any]], account: str) -> tuple[int, int]:
    """(debits, credits) of one account over the transactions; asserts every transaction balances."""
    debits = credits = 0
    for t in transactions:
        assert sum(x["debit"] for x in t["lines"]) == sum(x["credit"] for x in t["lines"]), t["posting_id"]
        debits += sum(x["debit"] for x in t["lines"] if x["account"] == account)
        credits += sum(x["credit"] for x in t["lines"] if x["account"] == account)
    return debits, credits
