"""Ingestion under sustained load, through a real gateway: `python -m benchmarks.ingest_lag [--seconds 15]`.

Set-up as benchmarks/hot_path.py's (benchmarks/gateway_harness.py): one SecantusDB server (in memory; `--disk` for
a data folder) and one gateway process (every service in it, ingest worker included) pinned to core 0, wrk on core
1, rate limits off (`RATE_LIMITS_ENABLED=false`). Measured in one run, after 12,000 warm-up writes with
`retryWrites=false`:

- bare `insert_one` of an event document at --connections (the baseline);
- `recordEvent` requests/s at --connections, and `recordEvents` of 100 events in events/s, vs that baseline
  (the hot-path goals: >= 0.05x and >= 0.5x);
- during each load, the ingest lag: probe events (one `recordEvent` every --probe-every seconds, each on an item of
  its own) timed from their acknowledgement to the moment their item's counters show them (p50, p99, max), the
  worker's events/s (counted events over the window) and the backlog left when the load stops, then the seconds
  it takes to drain it.

Prints a table, then one JSON line of every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import threading
import time
from typing import Any

import httpx
from bson import ObjectId
from pymongo import MongoClient

from benchmarks.common import print_summary
from benchmarks.gateway_calls import RECORD, RECORD_MANY
from benchmarks.gateway_harness import database_server, ratio, running_gateway, wrk
from benchmarks.write_baselines import bare_inserts, warm_up
from distribution_service.store.event_outbox import PACKED, SHOWN, waiting_events

PROBE_ITEMS = 100


class Counters:
    """The distribution database as the benchmark reads it: counted events, and what waits in the outbox."""

    def __init__(self, uri: str, db_prefix: str, community: ObjectId) -> None:
        self.client: MongoClient[dict[str, Any]] = MongoClient(uri, directConnection=True)
        self.db = self.client[f"{db_prefix}_distribution"]
        self.community = community

    def counted(self) -> int:
        stats = self.db["item_stats"].find({"community_id": self.community}, {"counts": 1})
        return sum(sum(doc.get("counts", {}).values()) for doc in stats)

    def backlog(self) -> int:
        """Events acknowledged, not yet counted: those in the outbox (events an older version flagged `pending` are
        given an entry at start-up)."""
        outbox = self.db["event_outbox"]
        entries = outbox.find({}, {"events._id": 1, PACKED: 1, SHOWN: 1})
        return sum(waiting_events(e, outbox.codec_options) for e in entries)

    def shown(self, items: list[ObjectId]) -> set[ObjectId]:
        found = self.db["item_stats"].find({"community_id": self.community, "content_id": {"$in": items}})
        return {doc["content_id"] for doc in found}


class Prober(threading.Thread):
    """One probe event every `every` seconds while the load runs, each on an unused item; its lag is the time from
    its acknowledgement to its item's counters showing it."""

    def __init__(self, base: str, token: str, items: list[str], counters: Counters, every: float) -> None:
        super().__init__(daemon=True)
        self.base, self.token, self.items, self.counters, self.every = base, token, items, counters, every
        self.stop_sending = threading.Event()
        self.lags: list[float] = []
        self.unseen = 0

    def run(self) -> None:
        waiting: dict[ObjectId, float] = {}
        next_at = time.monotonic()
        with httpx.Client(base_url=self.base, timeout=120) as http:
            while self.items and not self.stop_sending.is_set():
                if time.monotonic() >= next_at:
                    item = self.items.pop()
                    body = {"query": RECORD, "variables": {"i": {"contentId": item, "type": "OPEN"}}}
                    http.post("/graphql", json=body, headers={"Authorization": f"Bearer {self.token}"})
                    waiting[ObjectId(item)] = time.monotonic()
                    next_at += self.every
                self._collect(waiting)
                time.sleep(0.02)
        deadline = time.monotonic() + 120
        while waiting and time.monotonic() < deadline:
            self._collect(waiting)
            time.sleep(0.02)
        self.unseen = len(waiting)

    def _collect(self, waiting: dict[ObjectId, float]) -> None:
        if waiting:
            now = time.monotonic()
            for item in self.counters.shown(list(waiting)):
                self.lags.append(now - waiting.pop(item))


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)


def loaded(
    base: str, token: str, body: dict[str, Any], args: argparse.Namespace, probes: list[str], counters: Counters
) -> dict[str, Any]:
    """One wrk run with probes beside it: request rate, lag percentiles, the worker's rate and the backlog."""
    prober = Prober(base, token, probes, counters, args.probe_every)
    counted_before = counters.counted()
    started = time.monotonic()
    prober.start()
    result = wrk(base, token, body, connections=args.connections, seconds=args.seconds)
    window = time.monotonic() - started
    counted = counters.counted() - counted_before
    backlog = counters.backlog()
    prober.stop_sending.set()
    drain_started = time.monotonic()
    while counters.backlog() and time.monotonic() - drain_started < 300:
        time.sleep(0.25)
    drain_seconds = time.monotonic() - drain_started
    prober.join()
    return {
        "rps": result["rps"],
        "p50_ms": result.get("p50_ms"),
        "non_2xx": result["non_2xx"],
        "lag_p50_s": percentile(prober.lags, 0.5),
        "lag_p99_s": percentile(prober.lags, 0.99),
        "lag_max_s": round(max(prober.lags, default=0.0), 3),
        "lag_median_s": round(statistics.median(prober.lags), 3) if prober.lags else 0.0,
        "probes": len(prober.lags),
        "probes_unseen": prober.unseen,
        "worker_events_per_s": round(counted / window, 1),
        "backlog_at_end": backlog,
        "drain_s": round(drain_seconds, 2),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "seconds_per_run": args.seconds,
        "connections": args.connections,
        "storage": "disk" if args.disk else "memory",
        "rate_limits": "off (RATE_LIMITS_ENABLED=false)",
    }
    with database_server(disk=args.disk) as server:
        asyncio.run(warm_up(server.uri))
        bare = asyncio.run(bare_inserts(server.uri, connections=args.connections, seconds=args.seconds))
        figures["bare_insert_one_per_s"] = round(bare, 1)
        with running_gateway(server, "lag", items=args.items + 2 * PROBE_ITEMS) as gateway:
            base, token = gateway.base, gateway.token
            items = gateway.content[: args.items]
            probes = gateway.content[args.items :]
            counters = Counters(server.uri, gateway.prefix, ObjectId(gateway.world["community"]))
            one = {"query": RECORD, "variables": {"i": {"contentId": items[0], "type": "OPEN"}}}
            hundred = [{"contentId": items[k % len(items)], "type": "OPEN"} for k in range(100)]
            many = {"query": RECORD_MANY, "variables": {"i": {"events": hundred}}}
            single = loaded(base, token, one, args, probes[:PROBE_ITEMS], counters)
            batched = loaded(base, token, many, args, probes[PROBE_ITEMS:], counters)
            batched["events_per_s"] = round(batched["rps"] * 100, 1)
            figures["record_event"] = single
            figures["record_events100"] = batched
            figures["record_event_vs_bare_insert_one"] = ratio(single["rps"], bare)
            figures["record_events100_vs_bare_insert_one"] = ratio(batched["events_per_s"], bare)
            figures["lag_p50_s"] = batched["lag_p50_s"]
            figures["lag_p99_s"] = batched["lag_p99_s"]
            figures["worker_events_per_s"] = batched["worker_events_per_s"]
            figures["worker_vs_recorded"] = ratio(batched["worker_events_per_s"], batched["events_per_s"])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--items", type=int, default=100, help="items the load's events are about")
    parser.add_argument("--probe-every", type=float, default=0.25, help="seconds between probe events")
    parser.add_argument("--disk", action="store_true", help="the server on a data folder instead of in memory")
    args = parser.parse_args()
    figures = run(args)
    for key, value in figures.items():
        print(f"{key:36} {value}")
    print_summary(figures)


if __name__ == "__main__":
    main()
