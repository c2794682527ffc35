"""Why `recordEvents` of 100 ran slower in the full hot-path run than alone: the same batch run measured at three
points of one run of the full run's sequence, on one server and one gateway, set up as benchmarks/hot_path.py sets
them up (server and gateway on one core, wrk on the other).

    python -m benchmarks.hot_path_events_order [--seconds 10] [--items 300] [--profile]

1. `alone`: right after the gateway's warm-up, the worker drained: where `--events-only` measures it;
2. the full run's feed phases (pool hit and miss probes, then at 8 and 32 connections: drain, `{ __typename }`,
   `feed`, `recordEvent`), then `after_feeds_undrained`: the batch run straight after the 32-connection
   `recordEvent` run, with whatever the worker still had to derive, as `hot_path` measured it before the
   seventeenth session (`backlog_entries` / `backlog_impression_entries`: the outbox entries left at its start);
3. `after_feeds_drained`: the same run again once the worker has derived everything;
4. bare `insert_one` at 8 connections again (`bare_insert_one_c8_after`): the baseline after the same history.

Each batch run is reported with its events/s against the start's bare `insert_one` (the published baseline), the
gateway's and the server's CPU milliseconds per 100-event request (the worker's derivation of its own events and of
the backlog it met included, until the outbox is empty after it), and the rate counting the drain's seconds
(`until_derived`). `--profile`: py-spy samples the gateway during each batch run (on the load core) and reports the
share of its samples in the ingest worker (`worker_share`). Prints a table, then one JSON line of every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import tempfile
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from pymongo import MongoClient

from benchmarks.common import print_summary
from benchmarks.gateway_calls import FEED, RECORD, RECORD_MANY
from benchmarks.gateway_harness import (
    TYPENAME,
    RunningGateway,
    cpu_seconds,
    database_server,
    ratio,
    running_gateway,
    wrk,
)
from benchmarks.hot_path import header, need_wrk, pool_hit_and_miss_ms
from benchmarks.request_cost import cpu_per_request
from benchmarks.write_baselines import bare_baselines, bare_inserts
from distribution_service.store.event_outbox import SHOWN

# Innermost functions reported per profiled run, busiest first.
TOP_LEAVES = 6


def backlog(gateway: RunningGateway) -> tuple[int, int]:
    """The ingest outbox's entries now, and how many of them are decisions' impressions."""
    client: MongoClient[dict[str, Any]] = MongoClient(gateway.server.uri, directConnection=True)
    try:
        outbox = client[f"{gateway.prefix}_distribution"]["event_outbox"]
        return outbox.count_documents({}), outbox.count_documents({SHOWN: {"$exists": True}})
    finally:
        client.close()


class Sampler:
    """py-spy sampling a process for `seconds` in a thread (this process's core, the load core): its samples' share
    in the ingest worker's frames and its busiest innermost functions, read once `share` is asked."""

    def __init__(self, pid: int, seconds: int) -> None:
        self.output = Path(tempfile.mkdtemp()) / "stacks.txt"
        command = ["py-spy", "record", "-p", str(pid), "-d", str(seconds), "-r", "50", "--nonblocking", "-f", "raw"]
        self.thread = threading.Thread(
            target=subprocess.run,
            args=([*command, "-o", str(self.output)],),
            kwargs={"capture_output": True},
        )
        self.thread.start()

    def share(self) -> dict[str, Any]:
        self.thread.join()
        return stack_shares(self.output.read_text() if self.output.exists() else "")


def stack_shares(raw: str) -> dict[str, Any]:
    """py-spy's raw output (one `frame;frame;... count` line per stack) summed: samples, the share of them in the
    ingest worker's frames, and the TOP_LEAVES busiest innermost functions' shares."""
    total = worker = 0
    leaves: Counter[str] = Counter()
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        total += int(count)
        worker += int(count) if "ingest_worker" in stack else 0
        leaves[stack.rpartition(";")[2].split(" (")[0]] += int(count)
    top = {name: round(n / total, 3) for name, n in leaves.most_common(TOP_LEAVES)} if total else {}
    return {"samples": total, "worker_share": round(worker / total, 3) if total else 0.0, "top": top}


def batch_run(gateway: RunningGateway, seconds: int, bare_one: float, *, profile: bool) -> dict[str, Any]:
    """One 8-connection wrk run of `recordEvents` of 100, with CPU per request, the drain after it and the ratios."""
    hundred = [{"contentId": gateway.content[k % len(gateway.content)], "type": "OPEN"} for k in range(100)]
    body = {"query": RECORD_MANY, "variables": {"i": {"events": hundred}}}
    entries, impressions = backlog(gateway)
    sampler = Sampler(gateway.gateway_pid, seconds) if profile else None
    run, cpu = cpu_per_request(
        gateway,
        lambda result: result["rps"] * seconds,
        lambda: wrk(gateway.base, gateway.token, body, connections=8, seconds=seconds),
    )
    events_per_s = run["rps"] * 100
    until_derived = events_per_s * seconds / (seconds + cpu["drain_seconds"])
    figures: dict[str, Any] = {
        "backlog_entries": entries,
        "backlog_impression_entries": impressions,
        "eps": round(events_per_s, 1),
        "vs_bare_one": ratio(events_per_s, bare_one),
        "until_derived_vs_bare_one": ratio(until_derived, bare_one),
        "cpu": cpu,
    }
    if sampler is not None:
        figures["profile"] = sampler.share()
    return figures


def bare_one(uri: str, server_pid: int, seconds: int, *, profile: bool) -> dict[str, Any]:
    """Bare `insert_one` at 8 connections with the server's CPU milliseconds per insert (and its profile)."""
    sampler = Sampler(server_pid, seconds) if profile else None
    before = cpu_seconds(server_pid)
    rate = asyncio.run(bare_inserts(uri, connections=8, seconds=seconds))
    spent = cpu_seconds(server_pid) - before
    figures: dict[str, Any] = {"rate": round(rate, 1), "server_cpu_ms": round(1000 * spent / (rate * seconds), 3)}
    if sampler is not None:
        figures["profile"] = sampler.share()
    return figures


def feed_phases(gateway: RunningGateway, seconds: int) -> None:
    """What the full run does between the gateway's warm-up and its `recordEvents` run (benchmarks/hot_path.py)."""
    pool_hit_and_miss_ms(gateway.platform, gateway.token)
    one = {"contentId": gateway.content[0], "type": "OPEN"}
    for connections in (8, 32):
        gateway.drain()
        for body in ({"query": TYPENAME}, {"query": FEED}, {"query": RECORD, "variables": {"i": one}}):
            wrk(gateway.base, gateway.token, body, connections=connections, seconds=seconds)


def run(seconds: int, items: int, *, profile: bool) -> dict[str, Any]:
    need_wrk()
    figures = header(seconds)
    with database_server() as server:
        bare_baselines(server.uri, seconds, figures)
        bare = figures["bare_insert_one_c8"]
        figures["bare_one_before_feeds"] = bare_one(server.uri, server.pid, seconds, profile=profile)
        with running_gateway(server, "hot", items=items, warm=True) as gateway:
            gateway.drain()
            figures["alone"] = batch_run(gateway, seconds, bare, profile=profile)
            feed_phases(gateway, seconds)
            figures["after_feeds_undrained"] = batch_run(gateway, seconds, bare, profile=profile)
            figures["after_feeds_drained"] = batch_run(gateway, seconds, bare, profile=profile)
            figures["bare_one_after_feeds"] = bare_one(server.uri, server.pid, seconds, profile=profile)
            figures["after_feeds_drained_vs_bare_one_after"] = ratio(
                figures["after_feeds_drained"]["eps"], figures["bare_one_after_feeds"]["rate"]
            )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--profile", action="store_true", help="py-spy samples the gateway in each batch run")
    args = parser.parse_args()
    print_summary(run(args.seconds, args.items, profile=args.profile))


if __name__ == "__main__":
    main()
