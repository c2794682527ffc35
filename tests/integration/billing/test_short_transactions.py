"""No transaction is held across a provider call: the intent is committed before the charge, and the charge is
made while nothing of the payment is locked (another writer can touch the payment meanwhile)."""

from __future__ import annotations

from typing import Any

from billing_service.payments.provider import ChargeResult
from billing_service.payments.sandbox import SandboxProvider
from tests.factories import Api, register
from tests.integration.billing.helpers import PURCHASE, billing, community_with_operator, documents, product


class Probe:
    """The sandbox, looking from outside at the payment while it is being charged."""

    def __init__(self, sandbox: SandboxProvider, api: Api) -> None:
        self.sandbox = sandbox
        self.api = api
        self.name = sandbox.name
        self.seen: list[tuple[str, str]] = []

    async def charge(self, *, key: str, amount_cents: int, currency: str, method: str) -> ChargeResult:
        payments = billing(self.api).store.payments.payments
        # a write outside any session: it would wait on (or conflict with) a transaction holding the payment
        await payments.update_one({"key": key}, {"$set": {"probed": True}})
        (payment,) = documents(self.api, "payments", {"key": key})
        (record,) = documents(self.api, "idempotency_keys")
        self.seen.append((payment["status"], record["state"]))
        return await self.sandbox.charge(key=key, amount_cents=amount_cents, currency=currency, method=method)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.sandbox, name)


async def test_the_intent_is_committed_and_unlocked_before_the_provider_is_called(api: Api) -> None:
    _, olga = await community_with_operator(api)
    course = await product(api, olga, price=5000)
    bob = await register(api, "demo", "bob")
    flow = billing(api).flow
    probe = Probe(flow.provider, api)  # type: ignore[arg-type]
    flow.provider = probe
    # when
    paid = await api.data(PURCHASE, {"i": {"productId": course, "idempotencyKey": "k"}}, token=bob.token)
    # then
    assert probe.seen == [("PENDING", "running")]
    assert paid["purchase"]["status"] == "SUCCEEDED"
    assert [p["probed"] for p in documents(api, "payments")] == [True]
