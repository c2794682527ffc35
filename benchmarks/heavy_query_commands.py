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
import time
from pathlib import Path
from typing import Any

from benchmarks.command_census import CENSUS_FILE
from benchmarks.common import print_summary
from benchmarks.gateway_harness import database_server, running_gateway
from benchmarks.impression_counting import max_cost_queries

MODULE = "benchmarks.command_census"


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
    with database_server() as server:
        census = server.scratch / "census.json"
        # the gateway's own ingest worker idle: the queries' impressions are not derived here
        env = {"INGEST_INTERVAL_SECONDS": "3600", CENSUS_FILE: str(census)}
        with running_gateway(server, "cmd", items=items, warm=True, module=MODULE, env=env) as gateway:
            max_cost_queries(gateway.base, gateway.token, 2)
            time.sleep(1.0)
            signalled(gateway.gateway_pid, signal.SIGUSR2)
            gateway_before, database_before = gateway.cpu()
            started = time.monotonic()
            max_cost_queries(gateway.base, gateway.token, queries)
            wall = time.monotonic() - started
            gateway_after, database_after = gateway.cpu()
            rows = signalled(gateway.gateway_pid, signal.SIGUSR1, census)
            prefix = gateway.prefix
    return {
        "queries": queries,
        "items": items,
        "database_cpu_ms_per_query": round((database_after - database_before) / queries * 1000, 1),
        "gateway_cpu_ms_per_query": round((gateway_after - gateway_before) / queries * 1000, 1),
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
