"""Each billing store finder's queries run on an index on the real server (SecantusDB's planner).

The store's own indexes on a scratch database, a few hundred subscriptions, payments, invoices, ledger transactions
and idempotency records; each finder is called and every query it sends is explained (tests/query_plans.py).
Plans only, never timings. (Outside tests/integration/billing: its autouse ledger check needs the whole gateway.)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from bson import ObjectId
from pymongo import AsyncMongoClient

from billing_service.store import BillingStore
from tests.query_plans import PlanProbe, plan_probe

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


class World:
    def __init__(self, probe: PlanProbe, store: BillingStore) -> None:
        self.probe = probe
        self.store = store
        self.community = ObjectId()
        self.other = ObjectId()
        self.members = [ObjectId() for _ in range(100)]
        self.subscription_ids: list[ObjectId] = []
        self.payment_ids: list[ObjectId] = []
        self.invoice_ids: list[ObjectId] = []


@pytest.fixture
async def world(mongo_uri: str) -> AsyncIterator[World]:
    async with plan_probe(mongo_uri) as probe:
        client: AsyncMongoClient[dict[str, object]] = probe.db.client
        store = BillingStore(client, probe.db)
        await store.ensure_indexes()
        w = World(probe, store)
        subs = await store.subscriptions.subscriptions.insert_many(
            [
                {
                    "community_id": w.community if n % 5 else w.other,
                    "member_id": w.members[n % 100],
                    "live": n < 100,
                    "status": "ACTIVE" if n < 100 else "CANCELED",
                    "due_at": NOW + timedelta(days=n % 30),
                    "created_at": NOW - timedelta(days=n),
                }
                for n in range(200)
            ]
        )
        w.subscription_ids = list(subs.inserted_ids)
        payments = await store.payments.payments.insert_many(
            [
                {
                    "community_id": w.community,
                    "member_id": w.members[n % 100],
                    "key": f"pay-{n}",
                    "status": "PENDING" if n % 40 == 0 else "SUCCEEDED",
                    "amount_cents": 500,
                    "refunded_cents": 0,
                    "created_at": NOW - timedelta(minutes=n),
                }
                for n in range(200)
            ]
        )
        w.payment_ids = list(payments.inserted_ids)
        invoices = await store.invoices.invoices.insert_many(
            [
                {"community_id": w.community, "member_id": w.members[n % 100], "created_at": NOW, "series": "INV"}
                for n in range(100)
            ]
        )
        w.invoice_ids = list(invoices.inserted_ids)
        await store.ledger.transactions.insert_many(
            [
                {
                    "community_id": w.community,
                    "posting_id": f"p{n}",
                    "kind": "charge" if n % 2 else "refund",
                    "lines": [{"account": "cash", "debit": 100, "credit": 0}],
                    "occurred_at": NOW - timedelta(hours=n),
                    "member_id": w.members[n % 100] if n % 4 else None,
                    "meta": {
                        "subscription_id": w.subscription_ids[n % 50],
                        "member_amount": 100,
                        "creator_ids": [w.members[n % 3]],
                        "creator_amounts": [{"creator_id": w.members[n % 3], "amount": 10}],
                        **({"mrr": 100} if n % 3 == 0 else {}),
                    },
                }
                for n in range(300)
            ]
        )
        await store.idempotency.records.insert_many(
            [
                {
                    "community_id": w.community,
                    "scope": "member",
                    "key": f"k{n}",
                    "state": "running",
                    "lease_until": NOW,
                    "created_at": datetime.now(UTC),
                }
                for n in range(200)
            ]
        )
        probe.clear()
        yield w


async def plans_of(world: World) -> list[str]:
    found = await world.probe.plans()
    world.probe.clear()
    return found


async def test_live_subscriptions_are_read_on_the_plain_index(world: World) -> None:
    subs = world.store.subscriptions
    live = await subs.get_live(world.community, world.members[1])
    assert (live or {}).get("member_id") == world.members[1]
    assert len(await subs.list_live(world.community, world.members[:10])) == 8
    assert await plans_of(world) == ["IXSCAN community_live_member", "IXSCAN community_live_member"]


async def test_subscription_reads_by_id_keep_the_community(world: World) -> None:
    subs = world.store.subscriptions
    first = world.subscription_ids[1]
    assert (await subs.get(world.community, first) or {}).get("_id") == first
    assert await subs.get(world.other, first) is None
    assert await plans_of(world) == ["IXSCAN _id_", "IXSCAN _id_"]


async def test_operator_lists_and_the_sweep_use_their_indexes(world: World) -> None:
    subs = world.store.subscriptions
    await subs.list_for_operator(world.community, ["ACTIVE"], 20)
    assert len(await subs.list_all(world.community)) == 160
    assert len(await subs.list_due(NOW + timedelta(days=2), 500)) == 12
    found = await plans_of(world)
    assert found[0] == "IXSCAN community_status"
    assert found[1].startswith("IXSCAN community_")
    assert found[2] == "IXSCAN live_due"


async def test_plan_reads_use_the_id_index(world: World) -> None:
    subs = world.store.subscriptions
    plan = await subs.create_plan(world.community, {"name": "Gold"})
    world.probe.clear()
    assert (await subs.get_plan(world.community, plan["_id"]) or {}).get("name") == "Gold"
    assert await subs.plans_by_id(world.other, [plan["_id"]]) == {}
    assert await plans_of(world) == ["IXSCAN _id_", "IXSCAN _id_"]


async def test_idempotency_records_are_found_and_updated_on_indexes(world: World) -> None:
    keys = world.store.idempotency
    assert (await keys.find(world.community, "member", "k3") or {}).get("state") == "running"
    assert await keys.acquire(world.community, "member", "k3", 30.0) is True
    await keys.release(world.community, "member", "k3")
    assert await keys.complete(world.community, "member", "k3", {"ok": True}) is True
    assert await plans_of(world) == [
        "IXSCAN community_scope_key_unique",
        "IXSCAN community_scope_key_state_lease",
        "IXSCAN community_scope_key_state_lease",
        "IXSCAN community_scope_key_state_lease",
    ]


async def test_payment_reads_use_their_indexes(world: World) -> None:
    payments = world.store.payments
    assert (await payments.get(world.community, world.payment_ids[4]) or {}).get("key") == "pay-4"
    assert await payments.get(world.other, world.payment_ids[4]) is None
    await payments.get_by_key(world.community, "pay-5")
    await payments.get_by_key_any("pay-6")
    assert len(await payments.list_for_member(world.community, world.members[0], 10)) == 2
    stale = await payments.list_stale_pending(NOW - timedelta(minutes=30), 500)
    assert [p["key"] for p in stale] == ["pay-160", "pay-120", "pay-80", "pay-40"]
    assert await plans_of(world) == [
        "IXSCAN _id_",
        "IXSCAN _id_",
        "IXSCAN community_key_unique",
        "IXSCAN key",
        "IXSCAN community_member",
        "IXSCAN status_created",
    ]


async def test_invoice_reads_use_their_indexes(world: World) -> None:
    invoices = world.store.invoices
    assert (await invoices.get(world.community, world.invoice_ids[0]) or {}).get("series") == "INV"
    assert await invoices.get(world.other, world.invoice_ids[0]) is None
    await invoices.list(world.community, None, 20)
    await invoices.list(world.community, world.members[0], 20)
    assert await plans_of(world) == [
        "IXSCAN _id_",
        "IXSCAN _id_",
        "IXSCAN community_created",
        "IXSCAN community_member_created",
    ]


async def test_ledger_reads_use_their_indexes(world: World) -> None:
    ledger = world.store.ledger
    await ledger.get_by_posting_id(world.community, "p3")
    await ledger.sums_by_account(world.community, NOW - timedelta(days=1), NOW)
    assert len(await ledger.list_between(world.community, NOW - timedelta(hours=10), NOW, ["refund"])) == 5
    assert len(await ledger.mrr_postings_before(world.community, NOW - timedelta(hours=290))) == 3
    assert len(await ledger.mrr_postings_for_subscription(world.community, world.subscription_ids[0])) == 2
    paid = await ledger.member_payments(world.community, NOW - timedelta(hours=7))
    assert sorted(paid) == sorted(str(world.members[n]) for n in (1, 2, 3, 5, 6, 7))
    assert await plans_of(world) == [
        "IXSCAN community_posting_unique",
        "IXSCAN community_occurred",
        "IXSCAN community_occurred",
        "IXSCAN community_occurred",
        "IXSCAN community_subscription",
        "IXSCAN community_occurred",
    ]


async def test_first_time_payers_are_told_on_the_time_index(world: World) -> None:
    asked = [world.members[1], world.members[2], world.members[5]]
    # Charges are the odd postings, n hours old: members 1 and 5 were charged more than 100 hours ago, 2 never.
    paid = await world.store.ledger.members_paid_before(world.community, asked, NOW - timedelta(hours=100), ["charge"])
    assert paid == {str(world.members[1]), str(world.members[5])}
    assert await plans_of(world) == ["IXSCAN community_occurred"]


async def test_creator_payable_uses_the_creator_index(world: World) -> None:
    ledger = world.store.ledger

    async def owed(session: object) -> int:
        return await ledger.creator_payable(world.community, world.members[0], session)  # type: ignore[arg-type]

    assert await world.store.transaction(owed) == 1000
    assert await plans_of(world) == ["IXSCAN community_creator"]


async def test_commerce_reads_use_their_indexes(world: World) -> None:
    commerce = world.store.commerce
    product = await commerce.insert("products", None, {"community_id": world.community, "name": "Badge"})
    world.probe.clear()
    assert (await commerce.get("products", world.community, product["_id"]) or {}).get("name") == "Badge"
    assert await commerce.get("products", world.other, product["_id"]) is None
    await commerce.list_products(world.community, 10)
    await commerce.list_deals(world.community, "AD", 10)
    await commerce.get_schedule_by_source(world.community, "charge:1")

    async def open_schedules(session: object) -> int:
        sub = world.subscription_ids[0]
        return len(await commerce.list_open_schedules_of_subscription(world.community, sub, session))  # type: ignore[arg-type]

    assert await world.store.transaction(open_schedules) == 0
    assert await plans_of(world) == [
        "IXSCAN _id_",
        "IXSCAN _id_",
        "IXSCAN community_created",
        "IXSCAN community_kind",
        "IXSCAN community_source_unique",
        "IXSCAN community_subscription",
    ]
