"""What `kill -9` costs: per fault, writes acknowledged, stored, lost and duplicated, stall and recovery seconds.

`python -m benchmarks.faults [--database-kills 10]`. Starts the platform as the fault suite does (tests/faults/
harness.py: the supervised embedded database on disk, each service `python -m`, restarted when it dies), with
concurrent writers that record every acknowledgement (purchases, recordEvent with a clientEventId, publishContent),
and a reader of feeds (whose impressions are counted from their decisions: counted twice / uncounted per fault).
Then kills distribution, billing, and the database `--database-kills` times, each under load, and reads back
what was acknowledged. The baseline is the same writers for the same number of writes without a fault.

- recovery seconds: from the kill to the first acknowledged write of every kind;
- stall seconds: from the killed part answering `/readyz` again to the first acknowledged write of every kind
  (what a transaction the dead process left open would add; goal under 5 s). Recovery goal: under 10 s.
The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from tests.faults.harness import Acks, Load, Platform, api_on, community, exercise, verdict, wait_until

RECOVERY_GOAL_SECONDS = 10.0
STALL_GOAL_SECONDS = 5.0


async def baseline(platform: Platform, writes: int) -> float:
    """Acknowledged writes per second with nothing killed."""
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=20) as http:
        api = api_on(http)
        place = await community(api, "baseline", members=3)
        acks = Acks()
        load = Load(api, place, acks, "baseline")
        started = time.monotonic()
        tasks = load.tasks()

        async def enough() -> bool:
            return sum(len(t) for t in acks.times.values()) >= writes

        await wait_until(enough)
        load.stop.set()
        await asyncio.gather(*tasks)
        return sum(len(t) for t in acks.times.values()) / (time.monotonic() - started)


async def run(platform: Platform, targets: list[str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=20) as http:
        api = api_on(http)
        place = await community(api, "faults", members=3)
        for n, target in enumerate(targets):
            fault = await exercise(platform, api, place, target, tag=f"{target}{n}")
            result = await verdict(platform, api, place, fault.acks)
            row = {
                "target": target,
                "acknowledged": result.acknowledged,
                "stored": result.stored,
                "lost": result.lost,
                "duplicated": result.duplicated,
                "replays_not_duplicate": result.replays_not_duplicate,
                "ledger_unbalanced": result.unbalanced,
                "outbox_pending": result.outbox_pending,
                "feeds": len(fault.acks.feeds),
                "impressions_counted_twice": result.impressions_counted_twice,
                "impressions_uncounted": result.impressions_uncounted,
                "internal_errors": fault.acks.failures["INTERNAL"],
                "stall_seconds": round(fault.stall_seconds(), 2),
                "recovery_seconds": round(fault.recovery_seconds(), 2),
            }
            print(json.dumps(row, sort_keys=True), flush=True)
            rows.append(row)
    return rows


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for target in dict.fromkeys(row["target"] for row in rows):
        mine = [row for row in rows if row["target"] == target]
        totals = {
            key: sum(row[key] for row in mine)
            for key in (
                "acknowledged",
                "stored",
                "lost",
                "duplicated",
                "replays_not_duplicate",
                "internal_errors",
                "impressions_counted_twice",
                "impressions_uncounted",
            )
        }
        stalls = [row["stall_seconds"] for row in mine]
        recoveries = [row["recovery_seconds"] for row in mine]
        out[target] = {
            "kills": len(mine),
            **totals,
            "ledger_unbalanced": max(row["ledger_unbalanced"] for row in mine),
            "outbox_pending": max(row["outbox_pending"] for row in mine),
            "stall_seconds_median": round(statistics.median(stalls), 2),
            "stall_seconds_max": max(stalls),
            "recovery_seconds_median": round(statistics.median(recoveries), 2),
            "recovery_seconds_max": max(recoveries),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-kills", type=int, default=10)
    parser.add_argument("--baseline-writes", type=int, default=60)
    args = parser.parse_args()
    targets = ["distribution", "billing", *["database"] * args.database_kills]
    with tempfile.TemporaryDirectory() as root:
        platform = Platform(Path(root))
        try:
            platform.start()
            rate = asyncio.run(baseline(platform, args.baseline_writes))
            rows = asyncio.run(run(platform, targets))
        finally:
            platform.stop()
    faults = summary(rows)
    for target, figures in faults.items():
        print(
            f"{target:>12}: kills {figures['kills']}, acknowledged {figures['acknowledged']}, "
            f"stored {figures['stored']}, lost {figures['lost']}, duplicated {figures['duplicated']}, "
            f"stall max {figures['stall_seconds_max']} s, recovery median {figures['recovery_seconds_median']} s "
            f"(max {figures['recovery_seconds_max']} s)"
        )
    result = {
        "baseline_writes_per_second": round(rate, 1),
        "faults": faults,
        "goals": {
            "recovery_under_10s": all(f["recovery_seconds_max"] < RECOVERY_GOAL_SECONDS for f in faults.values()),
            "stall_under_5s": all(f["stall_seconds_max"] < STALL_GOAL_SECONDS for f in faults.values()),
            "no_acknowledged_write_lost": all(f["lost"] == 0 for f in faults.values()),
        },
    }
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
