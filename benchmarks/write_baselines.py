"""The events benchmarks' bare baselines: the platform's event document written straight to the server with
`insert_one` / `insert_many` (`retryWrites=false`), after the server was warmed into its sustained state
(WARMUP_WRITES, as issue 14 asks)."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from pymongo import AsyncMongoClient

from benchmarks.gateway_harness import Figures

WARMUP_WRITES = 12_000


def event_doc(cid: ObjectId, mid: ObjectId, content_id: ObjectId, *, keyed: bool = True) -> dict[str, Any]:
    """A stored event's document as the platform writes it; `keyed`: with a fresh client event id."""
    now = datetime.now(UTC)
    return {
        "community_id": cid,
        "member_id": mid,
        "content_id": content_id,
        "type": "OPEN",
        "slot": None,
        "scene": None,
        "occurred_at": now,
        "received_at": now,
        "dwell_ms": None,
        "tags": ["t"],
        "author_id": str(mid),
        "kind": "UGC",
    } | ({"client_event_id": uuid.uuid4().hex} if keyed else {})


async def bare_inserts(uri: str, *, connections: int, seconds: float, batch: int = 1) -> float:
    """Documents per second of bare inserts from `connections` concurrent tasks (this process is on core 1)."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri, retryWrites=False, directConnection=True)
    collection = client["hot_bare"]["events"]
    cid, mid, content_id = ObjectId(), ObjectId(), ObjectId()
    stop = time.monotonic() + seconds
    written = 0

    async def worker() -> None:
        nonlocal written
        while time.monotonic() < stop:
            if batch == 1:
                await collection.insert_one(event_doc(cid, mid, content_id))
            else:
                await collection.insert_many([event_doc(cid, mid, content_id) for _ in range(batch)], ordered=False)
            written += batch

    started = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(connections)))
    rate = written / (time.monotonic() - started)
    await client.close()
    return rate


async def warm_up(uri: str) -> None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri, retryWrites=False, directConnection=True)
    collection = client["hot_bare"]["events"]
    cid, mid, content_id = ObjectId(), ObjectId(), ObjectId()
    for _ in range(WARMUP_WRITES // 500):
        await collection.insert_many([event_doc(cid, mid, content_id) for _ in range(500)])
    await client.close()


def bare_baselines(uri: str, seconds: int, figures: Figures) -> None:
    """The server warmed into its sustained state, then bare `insert_one` at 8 and 32 connections and bare
    `insert_many` of 100: the events figures' baselines."""
    asyncio.run(warm_up(uri))
    for connections in (8, 32):
        figures[f"bare_insert_one_c{connections}"] = round(
            asyncio.run(bare_inserts(uri, connections=connections, seconds=seconds)), 1
        )
    figures["bare_insert_many100_eps"] = round(
        asyncio.run(bare_inserts(uri, connections=8, seconds=seconds, batch=100)), 1
    )


def beside_baseline(
    uri: str, seconds: int, figures: Figures, key: str, *, connections: int = 8, batch: int = 1
) -> float:
    """Bare inserts on the server as it is now (`figures[key]`, documents/s): the full run measures each events run
    against a baseline taken right before it, after the feed runs before it, as the platform meets the server then
    (after those runs the server wrote bare inserts about half as fast as at the start: docs/performance.md,
    "recordEvents in the full run (seventeenth session)")."""
    rate = round(asyncio.run(bare_inserts(uri, connections=connections, seconds=seconds, batch=batch)), 1)
    figures[key] = rate
    return rate
