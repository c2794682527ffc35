"""Shortcuts for billing tests: operations as module constants, the sandbox and the ledger from the database."""

from __future__ import annotations

from typing import Any

from pymongo import MongoClient

from billing_service.payments.sandbox import SandboxProvider
from billing_service.service import BillingService
from composition.topology import Topology
from tests.factories import Api, Member, create_community, grant, register

SUBSCRIBE = """
mutation($i: SubscribeInput!) {
  subscribe(input: $i) { subscription { id status latestPaymentId currentPeriodStart currentPeriodEnd plan { name } } }
}
"""
PURCHASE = """
mutation($i: PurchaseInput!) { purchase(input: $i) { id status amountCents invoiceId purpose } }
"""
CREATE_PRODUCT = """
mutation($i: CreateProductInput!) { createProduct(input: $i) { id name priceCents } }
"""
TRIAL_BALANCE = """
query($c: ID) { trialBalance(communityId: $c) { accounts { account debits credits balance } totalDebits totalCredits } }
"""
RUN_CYCLE = """
mutation($i: RunBillingCycleInput!) {
  runBillingCycle(input: $i) { renewed failed canceled expired trialsConverted planChanges recognitionPostings }
}
"""
# Production refuses the documented sandbox default: a secret of its own, long enough.
PRODUCTION_WEBHOOK_SECRET = "whsec_" + "p" * 40
MEMBERSHIP = "query { me { membership { status accessBlocked cancelAtPeriodEnd plan { name } } } }"


def services(api: Api) -> Topology:
    topology: Topology = api.app.state.services  # type: ignore[union-attr]
    return topology


def billing(api: Api) -> BillingService:
    service: BillingService = services(api).apps["billing"].state.service
    return service


def provider(api: Api) -> SandboxProvider:
    sandbox: SandboxProvider = services(api).apps["billing"].state.provider
    return sandbox


def documents(api: Api, collection: str, query: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    assert api.settings.mongodb_uri
    client: MongoClient[dict[str, Any]] = MongoClient(api.settings.mongodb_uri, tz_aware=True)
    try:
        return list(client[api.settings.database_name("billing")][collection].find(query or {}))
    finally:
        client.close()


def postings(api: Api, kind: str | None = None) -> list[dict[str, Any]]:
    return documents(api, "ledger_transactions", {"kind": kind} if kind else None)


def balances(trial_balance: dict[str, Any]) -> dict[str, int]:
    return {a["account"]: a["balance"] for a in trial_balance["accounts"] if a["balance"]}


async def community_with_operator(api: Api, slug: str = "demo", *, timezone: str = "UTC") -> tuple[str, Member]:
    community_id = await create_community(api, slug, timezone=timezone)
    operator = await register(api, slug, "olga")
    await grant(api, community_id, "olga", "OPERATOR")
    return community_id, operator


async def product(api: Api, operator: Member, *, price: int = 10_000, name: str = "Course") -> str:
    data = await api.data(
        CREATE_PRODUCT,
        {"i": {"name": name, "kind": "COURSE", "priceCents": price, "currency": "CNY"}},
        token=operator.token,
    )
    product_id: str = data["createProduct"]["id"]
    return product_id


async def trial_balance(api: Api, operator: Member) -> dict[str, Any]:
    data = await api.data(TRIAL_BALANCE, {}, token=operator.token)
    result: dict[str, Any] = data["trialBalance"]
    return result
