"""CPU per feed, split by process: the gateway (every service in it) and the database server.

    python -m benchmarks.feed_cpu [--feeds 200] [--concurrency 8] [--items 300] [--profile out.svg]
                                  [--wrk-seconds 10] [--split]

The hot path's set-up (benchmarks/gateway_harness.py: one server, one gateway pinned to one core, rate limits off, 300
items, FEED_MEMBERS members of whom half have engaged), then `--feeds` feeds of `feed(first: 10)` from
`--concurrency` clients on the other core, each request another member's, and the same number of
`{ __typename }` (the baseline, measured in the same run). CPU seconds are read from /proc for each process before
and after, so the figures do not depend on the machine's load as wall-clock rates do: the feed's throughput on one
shared core is bounded by its CPU per request (gateway + server). Also counts the server's commands per feed
(`serverStatus` opcounters, when the server answers it). `--profile` records the gateway with py-spy meanwhile.
`--split` (with `--wrk-seconds`) also runs wrk on smaller selections of the same feed (SPLIT_QUERIES: the ranked
decision alone, its scores, the content ids), so the differences attribute the CPU to ranking and its write, the
items' completion and the content lookup.

Prints the figures and ends with one JSON line.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pymongo import MongoClient

from benchmarks.common import print_summary
from benchmarks.gateway_calls import FEED, Platform, warm_feeds
from benchmarks.gateway_harness import TYPENAME, Figures, RunningGateway, database_server, ratio, running_gateway, wrk
from benchmarks.gateway_harness import cpu_seconds as cpu_seconds  # feed_stages.py, member_recent_read.py take it here
from benchmarks.hot_path import feed_members

_FEED_ARGS = "slot: MORNING, scene: BEFORE_DECISION, first: 10"
# The hot path's feed cut down, each selection a part less: what each part of a feed costs is the difference.
SPLIT_QUERIES = {
    "wrk_split_member": "{ me { id } }",
    "wrk_split_decision": f"{{ feed({_FEED_ARGS}) {{ modelVersion }} }}",
    "wrk_split_scores": f"{{ feed({_FEED_ARGS}) {{ items {{ score }} }} }}",
    "wrk_split_content_ids": f"{{ feed({_FEED_ARGS}) {{ items {{ score content {{ id }} }} }} }}",
}


def opcounters(uri: str) -> dict[str, int]:
    client: MongoClient[dict[str, Any]] = MongoClient(uri, directConnection=True)
    try:
        status = client.admin.command("serverStatus")
        return {k: int(v) for k, v in status.get("opcounters", {}).items()}
    except Exception:  # noqa: BLE001 - a server without serverStatus: no counts
        return {}
    finally:
        client.close()


def burst(platform: Platform, query: str, tokens: list[str], count: int, concurrency: int) -> list[float]:
    """`count` requests from `concurrency` threads, each the next member's; their latencies."""

    def one(n: int) -> float:
        started = time.perf_counter()
        platform.call(query, token=tokens[n % len(tokens)])
        return time.perf_counter() - started

    with ThreadPoolExecutor(concurrency) as pool:
        return list(pool.map(one, range(count)))


def measure(gateway: RunningGateway, query: str, **kw: Any) -> dict[str, float]:
    uri = gateway.server.uri
    before = (*gateway.cpu(), opcounters(uri))
    started = time.perf_counter()
    latencies = burst(gateway.platform, query, **kw)
    wall = time.perf_counter() - started
    after = (*gateway.cpu(), opcounters(uri))
    n = len(latencies)
    figures = {
        "gateway_cpu_ms": round((after[0] - before[0]) / n * 1000, 2),
        "server_cpu_ms": round((after[1] - before[1]) / n * 1000, 2),
        "rps": round(n / wall, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
    }
    figures["total_cpu_ms"] = round(figures["gateway_cpu_ms"] + figures["server_cpu_ms"], 2)
    if before[2] and after[2]:
        # Less the opcounter read itself (one command each side).
        commands = sum(after[2].values()) - sum(before[2].values()) - 1
        figures["server_commands"] = round(commands / n, 2)
    return figures


def measure_wrk(gateway: RunningGateway, query: str, seconds: int) -> dict[str, float]:
    """The hot path's own load (wrk, 8 connections, the reader): CPU per request from the requests wrk counted."""
    uri = gateway.server.uri
    before = (*gateway.cpu(), opcounters(uri))
    figures = wrk(gateway.base, gateway.token, {"query": query}, connections=8, seconds=seconds)
    after = (*gateway.cpu(), opcounters(uri))
    n = figures["rps"] * seconds
    figures["gateway_cpu_ms"] = round((after[0] - before[0]) / n * 1000, 2)
    figures["server_cpu_ms"] = round((after[1] - before[1]) / n * 1000, 2)
    figures["total_cpu_ms"] = round(figures["gateway_cpu_ms"] + figures["server_cpu_ms"], 2)
    if before[2] and after[2]:
        figures["server_commands"] = round((sum(after[2].values()) - sum(before[2].values()) - 1) / n, 2)
    return figures


def profiler(pid: int, out: str) -> subprocess.Popen[bytes]:
    """py-spy recording `pid` into `out` until interrupted (.txt: collapsed stacks)."""
    spy = subprocess.Popen(
        [
            *("py-spy", "record", "-p", str(pid), "--nonblocking", "-o", out, "-r", "200"),
            *(("--format", "raw") if out.endswith(".txt") else ()),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1)
    return spy


def run(
    feeds: int, concurrency: int, items: int, profile: str | None, wrk_seconds: int, split: bool = False
) -> dict[str, Any]:
    figures = Figures()
    with database_server() as server, running_gateway(server, "cpu", items=items) as gateway:
        tokens = feed_members(gateway.platform, gateway.content)
        warm_feeds(gateway.platform, gateway.token)
        figures["ingest_drain_seconds"] = gateway.drain()
        kw = {"tokens": tokens, "count": feeds, "concurrency": concurrency}
        typename = measure(gateway, TYPENAME, **kw)
        figures["typename"] = typename
        spy = profiler(gateway.gateway_pid, profile) if profile else None
        feed = measure(gateway, FEED, **kw)
        if spy:
            spy.send_signal(2)
            spy.wait(timeout=60)
        figures["feed"] = feed
        # The ingest worker's share: the impressions the feeds logged, counted after them.
        before = gateway.cpu()
        figures["ingest_drain_after_feeds_seconds"] = gateway.drain()
        time.sleep(1.5)
        after = gateway.cpu()
        figures["drain_gateway_cpu_ms_per_feed"] = round((after[0] - before[0]) / feeds * 1000, 2)
        figures["drain_server_cpu_ms_per_feed"] = round((after[1] - before[1]) / feeds * 1000, 2)
        figures["feed_cpu_vs_typename"] = ratio(typename["total_cpu_ms"], feed["total_cpu_ms"])
        if wrk_seconds:
            t = measure_wrk(gateway, TYPENAME, wrk_seconds)
            figures["wrk_typename_c8"] = t
            gateway.drain()
            f = measure_wrk(gateway, FEED, wrk_seconds)
            figures["wrk_feed_c8"] = f
            figures["wrk_feed_cpu_vs_typename_c8"] = ratio(t["total_cpu_ms"], f["total_cpu_ms"])
            figures["wrk_feed_vs_typename_c8"] = ratio(f["rps"], t["rps"])
            for key, query in SPLIT_QUERIES.items() if split else ():
                gateway.drain()
                figures[key] = measure_wrk(gateway, query, wrk_seconds)
    figures["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--wrk-seconds", type=int, default=0, help="also the hot path's wrk runs (one member)")
    parser.add_argument("--split", action="store_true", help="with --wrk-seconds: also the feed's smaller selections")
    parser.add_argument(
        "--profile",
        default=None,
        help="py-spy the gateway during the feeds into this file (.svg; .txt: collapsed stacks)",
    )
    args = parser.parse_args()
    print_summary(run(args.feeds, args.concurrency, args.items, args.profile, args.wrk_seconds, args.split))


if __name__ == "__main__":
    main()
