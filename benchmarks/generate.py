"""`python -m benchmarks.generate [--members N] [--events E] [--days D] [--seed S] [--concurrency C]`.

Generates a community through the services' clients on a fresh SecantusDB server of its own (data in a
temporary folder), and compares its write rates with a bare `insert_many` of event-shaped documents, 1,000 at a
time, on the same server in the same run. Prints the figures and, last, one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from pymongo import AsyncMongoClient

from composition.generate.writer import GenerateOptions, Generator
from composition.topology import Topology
from infra.embedded import EmbeddedServer
from infra.logging import configure_logging
from infra.settings import Settings

BATCH = 1000


async def bare_insert_rate(uri: str, total: int) -> dict[str, float]:
    """Documents per second of `insert_many` batches straight into one collection: the server's ceiling."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri)
    collection = client[f"bench_{uuid.uuid4().hex[:8]}"]["events"]
    community, now = ObjectId(), datetime.now(UTC)
    rates = []
    try:
        for start in range(0, total, BATCH):
            docs = [
                {
                    "community_id": community,
                    "member_id": ObjectId(),
                    "content_id": ObjectId(),
                    "type": "OPEN",
                    "slot": "MORNING",
                    "scene": None,
                    "occurred_at": now,
                    "received_at": now,
                    "dwell_ms": None,
                    "client_event_id": f"bench:{start + i}",
                }
                for i in range(min(BATCH, total - start))
            ]
            began = time.perf_counter()
            await collection.insert_many(docs, ordered=False)
            rates.append(len(docs) / (time.perf_counter() - began))
        await client.drop_database(collection.database.name)
    finally:
        await client.close()
    return {"median": statistics.median(rates), "batches": len(rates)}


async def run(args: argparse.Namespace, uri: str) -> dict[str, Any]:
    baseline = await bare_insert_rate(uri, args.baseline_docs)
    print(f"baseline: bare insert_many, {BATCH} per call: median {baseline['median']:.0f} docs/s", file=sys.stderr)
    settings = Settings(mongodb_uri=uri, db_prefix=f"bench{uuid.uuid4().hex[:8]}", app_env="test", log_level="WARNING")
    options = GenerateOptions(
        community="bench",
        members=args.members,
        days=args.days,
        seed=args.seed,
        events=args.events,
        concurrency=args.concurrency,
    )
    async with Topology(settings).running() as services:
        summary = await Generator(services, options).run()
    rates = summary["perSecond"]
    figures = {
        "members": summary["created"]["members"],
        "content": summary["created"]["content"],
        "events": summary["created"]["events"],
        "rejected": summary["rejected"],
        "phaseSeconds": summary["phaseSeconds"],
        "totalSeconds": round(sum(summary["phaseSeconds"].values()), 1),
        "perSecond": rates,
        "baselineInsertPerSecond": round(baseline["median"], 1),
        "eventsVsBaseline": round(rates["events"] / baseline["median"], 3),
        "membersVsBaseline": round(rates["members"] / baseline["median"], 3),
        "concurrency": args.concurrency,
    }
    for kind in ("members", "content", "events"):
        ratio = rates[kind] / baseline["median"]
        print(
            f"{kind}: {figures[kind]} in {summary['phaseSeconds'][kind]}s = {rates[kind]:.0f}/s "
            f"({ratio:.2f}x bare insert)"
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--events", type=int, help="default: 10 per member")
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--baseline-docs", type=int, default=50_000)
    args = parser.parse_args()
    configure_logging("WARNING")
    with tempfile.TemporaryDirectory(prefix="bench-generate-") as storage:
        server = EmbeddedServer(storage)
        server.start()
        try:
            figures = asyncio.run(run(args, server.uri))
        finally:
            server.stop()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
