"""What a maximum-cost query costs the database, by command: `python -m benchmarks.heavy_query_commands`.

    python -m benchmarks.heavy_query_commands [--queries 30] [--items 300]

The isolation figure's set-up (benchmarks/hot_path.py: a gateway on the database server's core, 300 items, one
reader) with the gateway's ingest worker idle (INGEST_INTERVAL_SECONDS=3600: the impressions the queries log are
not derived here; benchmarks/impression_counting.py measures that), the gateway run by benchmarks/command_census.py.
Two warm queries, then --queries of the isolation figure's maximum-cost query (23 ranked pages of 100,
benchmarks/isolation.py) one after the other, nothing else running: the database server's and the gateway's CPU
milliseconds per query (/proc) and the commands the gateway sent per query, by name and namespace (the database's
prefix left out), with their round-trip milliseconds. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from benchmarks.command_census import CENSUS_FILE
from benchmarks.common import print_summary
from benchmarks.gateway_harness import LOAD_CORE, SERVER_CORE, cpu_seconds, gateway_process, pin
from benchmarks.hot_path import Platform, set_up, warm_feeds
from benchmarks.impression_counting import max_cost_queries
from infra.embedded import EmbeddedServer

MODULE = "benchmarks.command_census"


def census_pid() -> int:
    """The gateway this process started under the command census, from /proc."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rpartition(")")[2].split()[1])
            command = (stat.parent / "cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError):
            continue
        if parent == os.getpid() and MODULE.encode() in command:
            return int(stat.parent.name)
    raise RuntimeError("no gateway process found")


def signalled(pid: int, signum: signal.Signals, census: Path | None = None) -> Any:
    """Send `signum` to the gateway; with `census`, wait for the file it writes and read it."""
    if census is not None and census.exists():
        census.unlink()
    os.kill(pid, signum)
    if census is None:
        time.sleep(0.2)
        return None
    for _ in range(100):
        if census.exists() and census.stat().st_size:
            return json.loads(census.read_text())
        time.sleep(0.05)
    raise RuntimeError("the gateway wrote no census")


def measure(queries: int, items: int) -> dict[str, Any]:
    os.sched_setaffinity(0, {int(LOAD_CORE)})
    os.environ["INGEST_INTERVAL_SECONDS"] = "3600"
    with tempfile.TemporaryDirectory() as scratch:
        census = Path(scratch) / "census.json"
        os.environ[CENSUS_FILE] = str(census)
        server = EmbeddedServer(":memory:")
        server.start()
        try:
            assert server.process is not None
            database_pid = server.process.pid
            pin(database_pid, SERVER_CORE)
            prefix = f"cmd{uuid.uuid4().hex[:8]}"
            with gateway_process(server.uri, Path(scratch), prefix, module=MODULE) as base:
                world = set_up(Platform(base), items)
                warm_feeds(Platform(base), world["reader"])
                max_cost_queries(base, world["reader"], 2)
                gateway = census_pid()
                time.sleep(1.0)
                signalled(gateway, signal.SIGUSR2)
                database_before, gateway_before = cpu_seconds(database_pid), cpu_seconds(gateway)
                started = time.monotonic()
                max_cost_queries(base, world["reader"], queries)
                wall = time.monotonic() - started
                database_s, gateway_s = (
                    cpu_seconds(database_pid) - database_before,
                    cpu_seconds(gateway) - gateway_before,
                )
                rows = signalled(gateway, signal.SIGUSR1, census)
        finally:
            server.stop()
    return {
        "queries": queries,
        "items": items,
        "database_cpu_ms_per_query": round(database_s / queries * 1000, 1),
        "gateway_cpu_ms_per_query": round(gateway_s / queries * 1000, 1),
        "wall_ms_per_query": round(wall / queries * 1000, 1),
        "commands_per_query": {
            key.replace(prefix + "_", ""): {"count": round(count / queries, 2), "ms": round(ms / queries, 2)}
            for key, count, ms in rows
            if count / queries >= 0.5
        },
        "load_average": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--items", type=int, default=300)
    args = parser.parse_args()
    print_summary(measure(args.queries, args.items))


if __name__ == "__main__":
    main()
