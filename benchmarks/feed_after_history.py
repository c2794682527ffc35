"""A feed's CPU before and after its member has a history, on one gateway under wrk.

    python -m benchmarks.feed_after_history [--seconds 10]

The hot path's set-up (benchmarks/hot_path.py: one server and one gateway pinned to one core, wrk on the other,
rate limits off, 300 items), then, as one member: `{ __typename }` and the feed at 8 connections, `recordEvent` at 8
connections (thousands of opens: the member now has a history), `{ __typename }` and the feed at 32 connections, and
the feed at 8 again. Each phase: requests/s, p99 and the gateway's and the server's CPU per request. This is the
order of the hot path's full run, whose 32-connection feed therefore measures a member with a history while its
8-connection feed measures one without.

Prints the figures and ends with one JSON line.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import uuid
from pathlib import Path
from typing import Any

from benchmarks.common import print_summary
from benchmarks.gateway_harness import (
    LOAD_CORE,
    SERVER_CORE,
    TYPENAME,
    cpu_seconds,
    gateway_pid,
    gateway_process,
    pin,
    ratio,
    wrk,
)
from benchmarks.hot_path import FEED, RECORD, Platform, drain_ingest, set_up, warm_feeds
from infra.embedded import EmbeddedServer

PHASES = (
    ("typename_c8", TYPENAME, 8),
    ("feed_c8", FEED, 8),
    ("record_event_c8", RECORD, 8),
    ("typename_c32", TYPENAME, 32),
    ("feed_c32_with_history", FEED, 32),
    ("feed_c8_with_history", FEED, 8),
)


def run(seconds: int) -> dict[str, Any]:
    os.sched_setaffinity(0, {int(LOAD_CORE)})
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as scratch:
        server = EmbeddedServer(":memory:")
        server.start()
        try:
            assert server.process is not None
            server_pid = server.process.pid
            pin(server_pid, SERVER_CORE)
            prefix = f"fah{uuid.uuid4().hex[:8]}"
            with gateway_process(server.uri, Path(scratch), prefix) as base:
                gateway = gateway_pid()
                platform = Platform(base)
                world = set_up(platform, 300)
                warm_feeds(platform, world["reader"])
                one = {"contentId": world["content"][0], "type": "OPEN"}
                for name, query, connections in PHASES:
                    drain_ingest(server.uri, prefix)
                    body = {"query": query, "variables": {"i": one}} if query == RECORD else {"query": query}
                    before = (cpu_seconds(gateway), cpu_seconds(server_pid))
                    result = wrk(base, world["reader"], body, connections=connections, seconds=seconds)
                    after = (cpu_seconds(gateway), cpu_seconds(server_pid))
                    n = result["rps"] * seconds
                    result["gateway_cpu_ms"] = round((after[0] - before[0]) / n * 1000, 2)
                    result["server_cpu_ms"] = round((after[1] - before[1]) / n * 1000, 2)
                    figures[name] = result
        finally:
            server.stop()
    figures["feed_vs_typename_c8"] = ratio(figures["feed_c8"]["rps"], figures["typename_c8"]["rps"])
    figures["feed_with_history_vs_typename_c32"] = ratio(
        figures["feed_c32_with_history"]["rps"], figures["typename_c32"]["rps"]
    )
    figures["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--seconds", type=int, default=10)
    print_summary(run(parser.parse_args().seconds))


if __name__ == "__main__":
    main()
