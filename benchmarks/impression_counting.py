"""What counting a maximum-cost query's impressions costs: `python -m benchmarks.impression_counting`.

    python -m benchmarks.impression_counting [--queries 5] [--repeats 3] [--items 300]

The isolation figure's set-up (benchmarks/gateway_harness.py: a gateway on the database server's core, 300 items, one
reader) with the gateway's own ingest worker idle (INGEST_INTERVAL_SECONDS=3600: decisions do not wake it), then
--queries of the isolation figure's maximum-cost query (23 ranked pages of 100, benchmarks/isolation.py), one after
the other. Their impressions' outbox entries are read and set aside, then derived --repeats times by an ingest
worker in this process (`IngestWorker.drain`, its default batch), the entries put back before each: the database
server's CPU seconds (/proc) and this process's CPU seconds per query's impressions, medians of the repeats; besides,
the database CPU the queries themselves cost (their reads and decision writes), per query, and the entries' average
size. CPU, not wall time: steady on a shared machine. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from typing import Any

import bson
import httpx
from pymongo import AsyncMongoClient, MongoClient

from benchmarks.common import print_summary
from benchmarks.gateway_harness import cpu_seconds, database_server, running_gateway
from distribution_service.service.ingest_worker import IngestWorker
from distribution_service.store import DistributionStore, Doc

PAGES = 23


def max_cost_queries(base: str, token: str, count: int) -> None:
    """The isolation figure's maximum-cost query (benchmarks/isolation.py `heavy_load`), `count` times in turn."""
    aliases = " ".join(
        f"f{i}: feed(slot: MORNING, scene: BEFORE_DECISION, first: 100) {{ items {{ content {{ title }} }} }}"
        for i in range(PAGES)
    )
    with httpx.Client(base_url=base, timeout=120) as http:
        for _ in range(count):
            answer = http.post(
                "/graphql", json={"query": "{ " + aliases + " }"}, headers={"Authorization": f"Bearer {token}"}
            )
            if answer.json().get("errors"):
                raise RuntimeError(answer.text[:500])


def impressions_held(entries: list[Doc]) -> int:
    """Events and counted impressions the entries hold (a decision's entry says how many: `shown`)."""
    return sum(len(entry.get("events", ())) + int(entry.get("shown", 0)) for entry in entries)


async def derive_repeatedly(uri: str, database: str, entries: list[Doc], database_pid: int, repeats: int) -> Any:
    """Each repeat: the entries put back, then one worker drain; the database's and this process's CPU seconds."""
    client: AsyncMongoClient[Doc] = AsyncMongoClient(uri, tz_aware=True)
    rounds = []
    try:
        store = DistributionStore(client[database])
        for _ in range(repeats):
            await store.events.outbox.entries.insert_many([dict(entry) for entry in entries])
            database_before, own_before = cpu_seconds(database_pid), time.process_time()
            derived = await IngestWorker(store, interval=0).drain()
            rounds.append((derived, cpu_seconds(database_pid) - database_before, time.process_time() - own_before))
    finally:
        await client.close()
    return rounds


def measure(queries: int, repeats: int, items: int) -> dict[str, Any]:
    figures: dict[str, Any] = {"queries": queries, "repeats": repeats, "items": items}
    # the gateway's own ingest worker idle: decisions do not wake it
    idle_worker = {"INGEST_INTERVAL_SECONDS": "3600"}
    with database_server() as server:
        with running_gateway(server, "imp", items=items, warm=True, env=idle_worker) as gateway:
            database = f"{gateway.prefix}_distribution"
            sync: MongoClient[Doc] = MongoClient(server.uri, directConnection=True, tz_aware=True)
            try:
                outbox = sync[database]["event_outbox"]
                outbox.delete_many({})  # the warm feeds' impressions: not measured
                before = cpu_seconds(server.pid)
                max_cost_queries(gateway.base, gateway.token, queries)
                query_database_s = cpu_seconds(server.pid) - before
                entries = list(outbox.find())
                outbox.delete_many({})
            finally:
                sync.close()
        # derived with the gateway stopped: only this process's worker on the server
        rounds = asyncio.run(derive_repeatedly(server.uri, database, entries, server.pid, repeats))
    figures["entries"] = len(entries)
    figures["impressions"] = impressions_held(entries)
    figures["entry_bytes_avg"] = round(statistics.mean(len(bson.encode(e)) for e in entries)) if entries else 0
    figures["derived_rounds"] = [derived for derived, _, _ in rounds]
    figures["query_database_cpu_ms_per_query"] = round(query_database_s / queries * 1000, 1)
    figures["derive_database_cpu_ms_per_query_rounds"] = [round(db / queries * 1000, 1) for _, db, _ in rounds]
    figures["derive_worker_cpu_ms_per_query_rounds"] = [round(own / queries * 1000, 1) for _, _, own in rounds]
    figures["derive_database_cpu_ms_per_query"] = statistics.median(figures["derive_database_cpu_ms_per_query_rounds"])
    figures["derive_worker_cpu_ms_per_query"] = statistics.median(figures["derive_worker_cpu_ms_per_query_rounds"])
    figures["load_average"] = round(os.getloadavg()[0], 2)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--items", type=int, default=300)
    args = parser.parse_args()
    print_summary(measure(args.queries, args.repeats, args.items))


if __name__ == "__main__":
    main()
