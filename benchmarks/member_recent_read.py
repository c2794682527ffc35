"""What a member's history costs a feed's read: `python -m benchmarks.member_recent_read`.

    python -m benchmarks.member_recent_read [--repeat 1000] [--shapes]

One member's `member_recent` document with 100 entries (RECENT_KEPT: what a member with 1,000 or 10,000 events
has) and one with none, each read as a feed reads it (`EventsStore.list_member_docs` for one member) and its dates
turned into the epoch seconds `FeatureInputs.engagements` builds its columns from. The two reads alternate, medians
over --repeat; `history_step_ms` is what the 100 entries add (the read's part of benchmarks/feed_history.py's
10,000-events step).

`--shapes` also stores the same 100 entries in other document shapes and reads each the same way (one `_id`
equality), giving the client's and the server's CPU per read (process CPU: this process, and the server's from
/proc): as stored (one sub-document per entry), columnar (one array per field), packed (ids and dates as binary
columns, the rest as arrays), with the entries' fields a feed uses projected by the server, and an empty document.
What a smaller document would save, before anyone rewrites the writer for it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from bson import Binary, ObjectId
from pymongo import AsyncMongoClient

from benchmarks.common import median_ms, print_summary, scratch_settings
from benchmarks.feed_cpu import cpu_seconds
from distribution_service.service.feature_inputs import _ts
from distribution_service.store import DistributionStore
from distribution_service.store.member_recent import RECENT_KEPT
from infra.embedded import EmbeddedServer

SHAPE_READS = 1500


async def shapes(store: DistributionStore, key: str, events: list[dict[str, Any]], server_pid: int) -> dict[str, Any]:
    """CPU per read (client, server) of the same entries in each shape; see the module's docstring."""
    reads = store.events.recent.reads
    await reads.insert_many(
        [
            {
                "_id": "columnar",
                "ids": [e["_id"] for e in events],
                **{f: [e.get(f) for e in events] for f in ("content_id", "type", "occurred_at", "tags")},
                **{f: [e.get(f) for e in events] for f in ("author_id", "kind", "dwell_ms")},
            },
            {
                "_id": "packed",
                "ids": Binary(b"".join(e["_id"].binary for e in events)),
                "content_ids": Binary(b"".join(e["content_id"].binary for e in events)),
                "occurred_at": Binary(
                    np.array([int(e["occurred_at"].timestamp() * 1000) for e in events], dtype=np.int64).tobytes()
                ),
                **{f: [e.get(f) for e in events] for f in ("type", "tags", "author_id", "kind", "dwell_ms")},
            },
            {"_id": "empty", "relations": {"follows": [], "blocks": []}},
        ]
    )
    fed = {f"events.{f}": 1 for f in ("_id", "content_id", "type", "occurred_at", "dwell_ms")}
    variants = {
        "as_stored": lambda: reads.find_one({"_id": key}),
        "columnar": lambda: reads.find_one({"_id": "columnar"}),
        "packed": lambda: reads.find_one({"_id": "packed"}),
        "projected": lambda: reads.find_one({"_id": key}, {**fed, "member_id": 1, "relations": 1}),
        "empty": lambda: reads.find_one({"_id": "empty"}),
    }
    figures: dict[str, Any] = {}
    for name, read in variants.items():
        for _ in range(50):
            await read()
        client, server = time.process_time(), cpu_seconds(server_pid)
        for _ in range(SHAPE_READS):
            await read()
        figures[f"shape_{name}_client_cpu_ms"] = round((time.process_time() - client) / SHAPE_READS * 1000, 3)
        figures[f"shape_{name}_server_cpu_ms"] = round((cpu_seconds(server_pid) - server) / SHAPE_READS * 1000, 3)
    return figures


async def run(repeat: int, with_shapes: bool = False) -> dict[str, Any]:
    server = EmbeddedServer(":memory:")
    server.start()
    assert server.process is not None
    os.environ["BENCH_MONGODB_URI"] = server.uri
    try:
        figures = await measure(repeat, server.process.pid if with_shapes else None)
    finally:
        os.environ.pop("BENCH_MONGODB_URI", None)
        server.stop()
    return figures


async def measure(repeat: int, server_pid: int | None) -> dict[str, Any]:
    shaped: dict[str, Any] = {}
    with scratch_settings() as settings:
        client: AsyncMongoClient[Any] = AsyncMongoClient(settings.mongodb_uri, tz_aware=True)
        try:
            store = DistributionStore(client[settings.database_name("distribution")])
            community, member, newcomer = ObjectId(), ObjectId(), ObjectId()
            now = datetime.now(UTC)
            events = [
                {
                    "_id": ObjectId(),
                    "community_id": community,
                    "member_id": member,
                    "content_id": ObjectId(),
                    "type": "OPEN",
                    "occurred_at": now - timedelta(minutes=7 * k),
                    "tags": [f"t{k % 7}"],
                    "author_id": str(ObjectId()),
                    "kind": "UGC",
                }
                for k in range(RECENT_KEPT)
            ]
            # As the ingest worker leaves them: the member's entries, and the newcomer's document with none.
            await store.events.recent.push(events, None)
            await store.events.recent.set_relations(community, newcomer, [], [], None)

            async def read(mid: ObjectId) -> int:
                docs = await store.events.list_member_docs(community, [mid], limit=RECENT_KEPT)
                entries = (docs or {}).get(str(mid), {}).get("events", [])
                np.fromiter((_ts(e["occurred_at"]) for e in entries), dtype=float, count=len(entries))
                return len(entries)

            assert await read(member) == RECENT_KEPT
            assert await read(newcomer) == 0
            samples: dict[ObjectId, list[float]] = {member: [], newcomer: []}
            for k in range(repeat + 30):
                for mid in (member, newcomer):
                    started = time.perf_counter()
                    await read(mid)
                    if k >= 30:
                        samples[mid].append(time.perf_counter() - started)
            if server_pid is not None:
                shaped = await shapes(store, f"{community}:{member}", events, server_pid)
        finally:
            await client.close()
    history, empty = median_ms(samples[member]), median_ms(samples[newcomer])
    return {
        "entries": RECENT_KEPT,
        "read_100_entries_median_ms": history,
        "read_no_entries_median_ms": empty,
        "history_step_ms": round(history - empty, 3),
        **shaped,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1000)
    parser.add_argument("--shapes", action="store_true", help="also the CPU per read of other document shapes")
    args = parser.parse_args()
    figures = asyncio.run(run(args.repeat, args.shapes))
    print(
        f"member_recent read as a feed reads it: 100 entries {figures['read_100_entries_median_ms']} ms, "
        f"none {figures['read_no_entries_median_ms']} ms (step {figures['history_step_ms']} ms)"
    )
    print_summary(figures)


if __name__ == "__main__":
    main()
