"""A feed's CPU before and after its member has a history, on one gateway under wrk.

    python -m benchmarks.feed_after_history [--seconds 10] [--profile DIR]

The hot path's set-up (benchmarks/gateway_harness.py: one server and one gateway pinned to one core, wrk on the other,
rate limits off, 300 items), then, as one member: `{ __typename }` and the feed at 8 connections, `recordEvent` at 8
connections (thousands of opens: the member now has a history), `{ __typename }` and the feed at 32 connections, and
the feed at 8 again. Each phase: requests/s, p99 and the gateway's and the server's CPU per request. This is the
order of the hot path's full run, whose 32-connection feed therefore measures a member with a history while its
8-connection feed measures one without. `--profile DIR` records the gateway and the server with py-spy during the
two 8-connection feed phases (collapsed stacks, DIR/<phase>-<process>.txt: what the history adds, by function).

Prints the figures and ends with one JSON line.
"""

from __future__ import annotations

import argparse
import os
import subprocess
from pathlib import Path
from typing import Any

from benchmarks.common import print_summary
from benchmarks.gateway_calls import FEED, RECORD
from benchmarks.gateway_harness import LOAD_CORE, TYPENAME, database_server, ratio, running_gateway, wrk

PHASES = (
    ("typename_c8", TYPENAME, 8),
    ("feed_c8", FEED, 8),
    ("record_event_c8", RECORD, 8),
    ("typename_c32", TYPENAME, 32),
    ("feed_c32_with_history", FEED, 32),
    ("feed_c8_with_history", FEED, 8),
)


PROFILED = ("feed_c8", "feed_c8_with_history")


def record(pid: int, seconds: int, out: Path) -> subprocess.Popen[bytes]:
    """py-spy sampling `pid` for `seconds`, its collapsed stacks to `out` (on the load core: not on the measured
    one)."""
    command = ["py-spy", "record", "-p", str(pid), "--nonblocking", "-r", "200", "-d", str(seconds)]
    return subprocess.Popen(
        ["taskset", "-c", LOAD_CORE, *command, "--format", "raw", "-o", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def run(seconds: int, profile: Path | None = None) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    with database_server() as server, running_gateway(server, "fah", items=300, warm=True) as gateway:
        one = {"contentId": gateway.content[0], "type": "OPEN"}
        for name, query, connections in PHASES:
            gateway.drain()
            body = {"query": query, "variables": {"i": one}} if query == RECORD else {"query": query}
            spies = []
            if profile is not None and name in PROFILED:
                profile.mkdir(parents=True, exist_ok=True)
                spies = [record(pid, seconds, profile / f"{name}-{label}.txt") for label, pid in gateway.pids.items()]
            before = gateway.cpu()
            result = wrk(gateway.base, gateway.token, body, connections=connections, seconds=seconds)
            for spy in spies:
                spy.wait()
            after = gateway.cpu()
            n = result["rps"] * seconds
            result["gateway_cpu_ms"] = round((after[0] - before[0]) / n * 1000, 2)
            result["server_cpu_ms"] = round((after[1] - before[1]) / n * 1000, 2)
            figures[name] = result
    figures["feed_vs_typename_c8"] = ratio(figures["feed_c8"]["rps"], figures["typename_c8"]["rps"])
    figures["feed_with_history_vs_typename_c32"] = ratio(
        figures["feed_c32_with_history"]["rps"], figures["typename_c32"]["rps"]
    )
    figures["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--profile", type=Path, default=None, help="a directory for py-spy's collapsed stacks")
    args = parser.parse_args()
    print_summary(run(args.seconds, args.profile))


if __name__ == "__main__":
    main()
