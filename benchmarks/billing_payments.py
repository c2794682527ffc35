"""Payments per second and ledger postings per second against a bare insert rate, on one SecantusDB server.

`python -m benchmarks.billing_payments [--n 300] [--repeats 3]`. Starts an in-memory SecantusDB, then measures,
each `repeats` times (medians reported):
- bare inserts: `insert_one` of a small document, sequentially (the baseline);
- ledger postings: one balanced transaction (`LedgerStore.post`) in its own MongoDB transaction, sequentially;
- payments: a full value-added purchase through `CommerceService.purchase` (idempotency record, payment
  intent, sandbox charge, settlement with ledger posting and numbered invoice), sequentially and 20 at a time.
The last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from datetime import UTC, datetime
from functools import partial
from typing import Any

from bson import ObjectId
from pymongo import AsyncMongoClient

from billing_service.domain.ledger import Account, credit, debit
from billing_service.payments.sandbox import SandboxProvider
from billing_service.schemas import ProductCreate, PurchaseCreate
from billing_service.service import BillingService
from billing_service.store import BillingStore, Session
from infra.embedded import EmbeddedServer
from infra.settings import Settings

CONCURRENCY = 20


async def rate(n: int, work: Any) -> float:
    started = time.perf_counter()
    await work(n)
    return n / (time.perf_counter() - started)


async def one_run(client: AsyncMongoClient[dict[str, Any]], settings: Settings, run: int, n: int) -> dict[str, float]:
    db = client[f"bench_billing_{run}"]
    store = BillingStore(client, db)
    await store.ensure_indexes()
    provider = SandboxProvider(secret="bench", webhook_delay_seconds=0.0)
    service = BillingService(store, provider, settings)
    provider.sink = service.flow.receive_webhook
    cid = ObjectId()
    product = await service.commerce.create_product(
        cid, ProductCreate(name="Course", kind="COURSE", price_cents=9900, currency="CNY")
    )
    member = str(ObjectId())

    def purchase(key: str) -> Any:
        return service.commerce.purchase(
            cid, PurchaseCreate(member_id=member, product_id=product.id, idempotency_key=key)
        )

    async def bare(count: int) -> None:
        for i in range(count):
            await db["bare"].insert_one({"community_id": cid, "i": i, "at": datetime.now(UTC)})

    async def post(session: Session, i: int) -> None:
        await store.ledger.post(
            session,
            community_id=cid,
            posting_id=f"bench:{i}",
            kind="bench",
            lines=[debit(Account.CASH, 100), credit(Account.REVENUE_ADS, 100)],
            occurred_at=datetime.now(UTC),
        )

    async def postings(count: int) -> None:
        for i in range(count):
            await store.transaction(partial(post, i=i))

    async def payments(count: int) -> None:
        for i in range(count):
            await purchase(f"seq{i}")

    async def concurrent(count: int) -> None:
        for batch in range(0, count, CONCURRENCY):
            await asyncio.gather(*(purchase(f"c{i}") for i in range(batch, min(batch + CONCURRENCY, count))))

    figures = {
        "bare_inserts": await rate(n, bare),
        "ledger_postings": await rate(n, postings),
        "payments": await rate(n, payments),
        "payments_concurrent": await rate(n, concurrent),
    }
    await provider.drain()
    balance = await service.analytics.trial_balance(cid)
    assert balance.total_debits == balance.total_credits
    await client.drop_database(f"bench_billing_{run}")
    return figures


async def measure(uri: str, n: int, repeats: int) -> dict[str, Any]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri, tz_aware=True)
    settings = Settings(app_env="test", mongodb_uri=uri, billing_sandbox_webhook_delay_seconds=0.0)
    runs: list[dict[str, float]] = []
    try:
        for run in range(repeats):
            runs.append(await one_run(client, settings, run, n))
    finally:
        await client.close()
    medians = {name: round(statistics.median(r[name] for r in runs), 1) for name in runs[0]}
    base = medians["bare_inserts"]
    return {
        "n": n,
        "repeats": repeats,
        "per_second": medians,
        "vs_bare_insert": {name: round(value / base, 4) for name, value in medians.items() if name != "bare_inserts"},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    server = EmbeddedServer(":memory:")
    server.start()
    try:
        result = asyncio.run(measure(server.uri, args.n, args.repeats))
    finally:
        server.stop()
    for name, value in result["per_second"].items():
        ratio = result["vs_bare_insert"].get(name, 1.0)
        print(f"{name:>22}: {value:>9.1f}/s  ({ratio:.3f} x bare insert)")
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
