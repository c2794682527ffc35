"""Recording events, the database part of the hot path: `python -m benchmarks.ingest`.

On a SecantusDB on disk (a temporary folder; or BENCH_MONGODB_URI), with retryable writes off as the platform
opens its clients (infra/mongo.py). Measured, in one run, on the same documents and server:
- `EventsStore.insert_events` of one event (what `recordEvent` writes: the event and its outbox entry in one
  journaled transaction, idempotent by client event id) against a bare `insert_one` of the same document (default
  write concern);
- `insert_events` of batches of --batch events (`recordEvents`) against a bare `insert_many` of the same batch;
- the ingest worker deriving the stored backlog (events/s), and the age of the oldest event it derived.
benchmarks/ingest_lag.py measures the same path through the gateway, with the lag under sustained load.
Each figure is a median over --repeats rounds; the ratios are platform / bare (1.0 = database speed).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from pymongo import AsyncMongoClient

from benchmarks.common import print_summary
from distribution_service.service.ingest_worker import IngestWorker
from distribution_service.store import DistributionStore, Doc
from infra.embedded import EmbeddedServer
from infra.mongo import create_mongo_client


def event(community: ObjectId, items: list[ObjectId], i: int, tag: str) -> Doc:
    now = datetime.now(UTC)
    return {
        "community_id": community,
        "member_id": ObjectId(),
        "content_id": items[i % len(items)],
        "type": ("OPEN", "IMPRESSION", "SHARE", "CLICK")[i % 4],
        "slot": None,
        "scene": None,
        "occurred_at": now,
        "received_at": now,
        "dwell_ms": None,
        "tags": ["a", "b"],
        "author_id": ObjectId(),
        "kind": "UGC",
        "client_event_id": f"{tag}-{i}",
    }


async def rate(docs: list[Doc], write: Callable[[list[Doc]], Awaitable[Any]], per_call: int) -> float:
    """Events per second writing `docs` `per_call` at a time, one call after the other."""
    started = time.perf_counter()
    for lo in range(0, len(docs), per_call):
        await write(docs[lo : lo + per_call])
    return len(docs) / (time.perf_counter() - started)


async def measure(uri: str, args: argparse.Namespace) -> dict[str, Any]:
    client: AsyncMongoClient[Doc] = create_mongo_client(uri, app_name="bench_ingest")
    try:
        db = client[f"bench_ingest_{uuid.uuid4().hex[:8]}"]
        store = DistributionStore(db)
        await store.ensure_indexes()
        bare = db["bare_events"]
        community, items = ObjectId(), [ObjectId() for _ in range(200)]

        async def bare_one(docs: list[Doc]) -> None:
            await bare.insert_one(docs[0])

        async def bare_many(docs: list[Doc]) -> None:
            await bare.insert_many(docs, ordered=False)

        figures: dict[str, list[float]] = {k: [] for k in ("one", "bare_one", "batch", "bare_batch", "derive")}
        lags: list[float] = []
        for r in range(args.repeats):
            # The same documents for the platform and the bare write (copies: inserts stamp an `_id`).
            ones = [event(community, items, i, f"o{r}") for i in range(args.events)]
            batch = [event(community, items, i, f"b{r}") for i in range(args.events * 5)]
            figures["bare_one"].append(await rate([dict(d) for d in ones], bare_one, 1))
            figures["one"].append(await rate(ones, store.events.insert_events, 1))
            figures["bare_batch"].append(await rate([dict(d) for d in batch], bare_many, args.batch))
            figures["batch"].append(await rate(batch, store.events.insert_events, args.batch))
            worker = IngestWorker(store, interval=0)
            started = time.perf_counter()
            derived = await worker.drain()
            figures["derive"].append(derived / (time.perf_counter() - started))
            lags.append(worker.last_lag_seconds)
        med = {k: statistics.median(v) for k, v in figures.items()}
    finally:
        await client.close()
    return {
        "events_per_round": args.events,
        "batch": args.batch,
        "repeats": args.repeats,
        "record_one_per_s": round(med["one"]),
        "bare_insert_one_per_s": round(med["bare_one"]),
        "record_one_vs_bare": round(med["one"] / med["bare_one"], 3),
        "record_batch_events_per_s": round(med["batch"]),
        "bare_insert_many_events_per_s": round(med["bare_batch"]),
        "record_batch_vs_bare": round(med["batch"] / med["bare_batch"], 3),
        "derive_events_per_s": round(med["derive"]),
        "derive_vs_bare_insert_many": round(med["derive"] / med["bare_batch"], 3),
        "oldest_event_age_at_derive_s": round(statistics.median(lags), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1000, help="single events per round (batches: 5x as many)")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    import os

    given = os.environ.get("BENCH_MONGODB_URI")
    with tempfile.TemporaryDirectory() as folder:
        server = None if given else EmbeddedServer(folder)
        if server:
            server.start()
        try:
            figures = asyncio.run(measure(given or (server.uri if server else ""), args))
        finally:
            if server:
                server.stop()
    print(
        f"recordEvent's write {figures['record_one_per_s']}/s vs bare insert_one {figures['bare_insert_one_per_s']}/s "
        f"({figures['record_one_vs_bare']}x); batches of {figures['batch']}: {figures['record_batch_events_per_s']} "
        f"events/s vs bare insert_many {figures['bare_insert_many_events_per_s']} ({figures['record_batch_vs_bare']}x);"
        f" worker derives {figures['derive_events_per_s']} events/s"
    )
    print_summary(figures)


if __name__ == "__main__":
    main()
