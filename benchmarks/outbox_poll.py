"""The ingest worker's poll of a waiting backlog: `python -m benchmarks.outbox_poll`.

    python -m benchmarks.outbox_poll [--entries 2000] [--events-per-entry 10] [--repeats 7]

An in-memory SecantusDB holds --entries outbox entries of --events-per-entry impressions each (a slot run's
backlog: each on its own item, so a take stops at MAX_UPDATES_PER_TAKE). Beside each other, in the same run:
`EventsStore.list_pending` (what the worker sends each poll: the backlog's keys, then entries whole until the take
is full) and the bare read it replaced (every waiting entry read whole, then sorted by key). Figures: the client's
process CPU and the wall time per poll in ms, medians of --repeats. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import AsyncMongoClient

from benchmarks.common import print_summary
from distribution_service.store import DistributionStore, Doc
from infra.embedded import EmbeddedServer

TAKE_EVENTS = 1000


def backlog(entries: int, events_per_entry: int) -> list[Doc]:
    community, now = ObjectId(), datetime.now(UTC)
    docs = []
    for _ in range(entries):
        key = ObjectId()
        events = [
            {
                "community_id": community,
                "member_id": ObjectId(),
                "content_id": ObjectId(),
                "type": "IMPRESSION",
                "engaged": False,
                "occurred_at": now,
            }
            for _ in range(events_per_entry)
        ]
        docs.append({"_id": key, "key": key, "events": events})
    return docs


async def per_poll(call: Callable[[], Awaitable[Any]], repeats: int) -> tuple[float, float]:
    """Median client CPU and wall ms of one call."""
    cpu, wall = [], []
    for _ in range(repeats):
        started_cpu, started = time.process_time(), time.perf_counter()
        await call()
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return statistics.median(cpu), statistics.median(wall)


async def measure(entries: int, events_per_entry: int, repeats: int) -> dict[str, Any]:
    server = EmbeddedServer(":memory:")
    server.start()
    client: AsyncMongoClient[Doc] = AsyncMongoClient(server.uri, tz_aware=True)
    try:
        store = DistributionStore(client["outbox_poll"])
        await store.ensure_indexes()
        docs = backlog(entries, events_per_entry)
        for start in range(0, len(docs), 500):
            await store.events.outbox.entries.insert_many(docs[start : start + 500])
        until = datetime.now(UTC) + timedelta(seconds=2)
        bound = {"key": {"$lte": ObjectId.from_datetime(until)}}
        taken: list[int] = []

        async def poll() -> None:
            pending, _ = await store.events.list_pending(until, TAKE_EVENTS)
            taken.append(len(pending))

        async def bare_whole_read() -> None:
            found = [e async for e in store.events.outbox.entries.find(bound)]
            found.sort(key=lambda e: e["key"])

        poll_cpu, poll_wall = await per_poll(poll, repeats)
        bare_cpu, bare_wall = await per_poll(bare_whole_read, repeats)
        return {
            "entries": entries,
            "events_per_entry": events_per_entry,
            "entries_per_take": taken[-1],
            "list_pending_cpu_ms": round(poll_cpu, 2),
            "list_pending_wall_ms": round(poll_wall, 2),
            "bare_whole_read_cpu_ms": round(bare_cpu, 2),
            "bare_whole_read_wall_ms": round(bare_wall, 2),
            "cpu_vs_bare_whole_read": round(poll_cpu / bare_cpu, 4),
        }
    finally:
        await client.close()
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--events-per-entry", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    print_summary(asyncio.run(measure(args.entries, args.events_per_entry, args.repeats)))


if __name__ == "__main__":
    main()
