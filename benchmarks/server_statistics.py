"""WiredTiger's own statistics of the embedded server, sampled every second beside any benchmark that starts it
through infra/embedded.py (SecantusDB reports none of them: no cache figure in `serverStatus`).

    python -m benchmarks.server_statistics [--out stats.jsonl] MODULE [its arguments...]
    python -m benchmarks.server_statistics --summary stats.jsonl

Runs `python -m MODULE ...` in this process with every embedded server it starts wrapped: the server runs as
infra/database_server.py runs it (`SECANTUS_CACHE_SIZE` and the rest as set), plus a thread that turns WiredTiger's
fast statistics on and appends one JSON line a second to `--out` (the cache's, eviction's, reconciliation's,
transactions' and page-acquire counters as WiredTiger names them, the process's CPU seconds and resident MB). Then,
and with `--summary`, it prints each server's totals (SUMMARY: pages its eviction walked, pages it reconciled, the
seconds its threads slept waiting for a page, forced evictions; peaks of the cache, its updates, the resident size
and the transaction IDs its oldest reader held back)
and one JSON line of them. A server's lines follow each other; a new server (its CPU seconds back near zero) starts
a new block.
"""

from __future__ import annotations

import argparse
import json
import os
import runpy
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

STATISTICS_ENV = "BENCH_SERVER_STATISTICS_FILE"
# WiredTiger statistics kept, by the start of their description.
KEPT_PREFIXES = ("cache:", "thread-yield:", "reconciliation:", "transaction:", "cursor: open cursor count")
SAMPLE_SECONDS = 1.0
# Counters summed over a server's life, and the gauges whose peak is reported.
COUNTERS = {
    "eviction_pages_walked": "cache: pages walked for eviction",
    "pages_reconciled": "reconciliation: page reconciliation calls",
    "forced_evictions": "cache: forced eviction - pages selected count",
    "application_evicted_pages": "cache: pages evicted by application threads",
}
SLEEP_COUNTER = "thread-yield: page acquire time sleeping (usecs)"
PEAKS = {
    "cache_mb": "cache: bytes currently in the cache",
    "dirty_mb": "cache: tracked dirty bytes in the cache",
    "updates_mb": "cache: bytes allocated for updates",
}
CACHE_MAX = "cache: maximum bytes configured"
# Transactions between WiredTiger's oldest reader and now: a snapshot held for long keeps every later write
# unsettled, and eviction then rewrites pages it cannot free (docs/performance.md, "the TTL sweeper's snapshot").
PINNED = "transaction: transaction range of IDs currently pinned"


def sample(session: Any) -> dict[str, Any]:
    """One line: the kept statistics, this process's CPU seconds and resident MB."""
    row: dict[str, Any] = {"t": time.time()}
    cursor = session.open_cursor("statistics:", None, None)
    try:
        while cursor.next() == 0:
            description, _, value = cursor.get_value()
            if description.startswith(KEPT_PREFIXES):
                row[description] = value
    finally:
        cursor.close()
    fields = Path("/proc/self/stat").read_text().rpartition(")")[2].split()
    row["cpu_s"] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    row["rss_mb"] = round(int(fields[21]) * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)
    return row


def poll(stores: list[Any], path: str) -> None:
    """Once the server's storage is open: statistics on, a line a second until the process ends."""
    while not stores:
        time.sleep(0.1)
    connection = stores[0]._conn
    connection.reconfigure("statistics=(fast)")
    session = connection.open_session()
    with open(path, "a") as out:
        while True:
            out.write(json.dumps(sample(session)) + "\n")
            out.flush()
            time.sleep(SAMPLE_SECONDS)


def serve(argv: list[str]) -> int:
    """The server as infra/database_server.py runs it, with the sampling thread (run by path, as the wrapper is)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from secantus.storage import Storage

    from infra import database_server

    stores: list[Any] = []
    opened = Storage.__init__

    def keep(self: Any, *args: Any, **kwargs: Any) -> None:
        opened(self, *args, **kwargs)
        stores.append(self)

    Storage.__init__ = keep
    threading.Thread(target=poll, args=(stores, os.environ[STATISTICS_ENV]), name="statistics", daemon=True).start()
    return database_server.main(argv)


def servers(path: Path) -> list[list[dict[str, Any]]]:
    """The file's lines, one block per server (a new one starts when the CPU seconds fall back)."""
    blocks: list[list[dict[str, Any]]] = []
    for line in path.read_text().splitlines():
        row = json.loads(line)
        if not blocks or row["cpu_s"] < blocks[-1][-1]["cpu_s"]:
            blocks.append([])
        blocks[-1].append(row)
    return blocks


def totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """One server's SUMMARY (see the module's docstring)."""
    first, last = rows[0], rows[-1]
    summary: dict[str, Any] = {
        "seconds": round(last["t"] - first["t"]),
        "cache_size_mb": last.get(CACHE_MAX, 0) >> 20,
        "cpu_seconds": round(last["cpu_s"], 1),
    }
    for name, key in COUNTERS.items():
        summary[name] = last.get(key, 0) - first.get(key, 0)
    summary["page_acquire_sleep_seconds"] = round((last.get(SLEEP_COUNTER, 0) - first.get(SLEEP_COUNTER, 0)) / 1e6, 1)
    for name, key in PEAKS.items():
        summary[f"peak_{name}"] = max(row.get(key, 0) for row in rows) >> 20
    summary["peak_rss_mb"] = round(max(row["rss_mb"] for row in rows))
    summary["peak_pinned_transaction_ids"] = max(row.get(PINNED, 0) for row in rows)
    return summary


def summarize(path: Path) -> list[dict[str, Any]]:
    found = [totals(rows) for rows in servers(path)] if path.exists() else []
    for number, summary in enumerate(found, 1):
        print(f"server {number}: " + ", ".join(f"{key} {value}" for key, value in summary.items()))
    print(json.dumps({"statistics_file": str(path), "servers": found}))
    return found


def run(module: str, arguments: list[str], out: Path) -> None:
    """`python -m module arguments` here, every embedded server it starts sampled into `out`."""
    import infra.embedded as embedded

    os.environ[STATISTICS_ENV] = str(out)
    embedded.server_command = lambda: [sys.executable, "-P", str(Path(__file__).resolve()), "--serve"]
    sys.argv = [module, *arguments]
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    finally:
        summarize(out)


def main() -> None:
    if sys.argv[1:2] == ["--serve"]:
        sys.exit(serve(sys.argv[2:]))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, help="the statistics file (default: a new temporary file)")
    parser.add_argument("--summary", type=Path, help="only summarize this statistics file")
    parser.add_argument("module", nargs="?", help="the benchmark module to run, e.g. benchmarks.hot_path")
    parser.add_argument("arguments", nargs=argparse.REMAINDER, help="its arguments")
    args = parser.parse_args()
    if args.summary:
        summarize(args.summary)
        return
    if not args.module:
        parser.error("name a module to run, or --summary FILE")
    out = args.out or Path(tempfile.mkdtemp()) / "server_statistics.jsonl"
    run(args.module, args.arguments, out)


if __name__ == "__main__":
    main()
