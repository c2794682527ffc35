"""A slot run's CPU per member in one process, run after run: `python -m benchmarks.slot_cpu`.

    python -m benchmarks.slot_cpu [--members 2000] [--runs 5]

The community of benchmarks/slot_run.py (--members members, 500 items, a trained model promoted), one warm run,
then --runs runs of the whole slot (another day each, the deliveries emptied between runs and the daily cap lifted,
so every run ranks every member). Per run and member: the ranking threads' CPU (`FeedRanker._rank_all`, thread
CPU: the members' matrices, the stacked predict, diversity, the decision log), the process's CPU until the run
returns and until the ingest worker has counted its impressions, and the garbage collector's CPU in the run
(`gc.callbacks`, the collecting thread's CPU, every generation) with how many full passes each run took.
`--compare-freeze` alternates runs with and without the run's freeze of the process's older objects
(service/slots_gc.py; in pairs, the order swapped every pair): each key then ends `_frozen` or `_unfrozen`. Separate
`benchmarks.slot_run` processes spread by ±0.2 ms a member on a shared machine; runs in one process spread less.
Medians in the last line (one JSON object).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import threading
import time
import uuid
from typing import Any

from bson import ObjectId

from benchmarks.common import print_summary
from benchmarks.slot_run import bench_settings, outbox_drained, ranked_community
from composition.topology import Topology
from distribution_service.domain.honeycomb import Slot
from distribution_service.service import DistributionService, slots_gc
from distribution_service.service.ranker import FeedRanker
from distribution_service.service.scheduled import run_slot_for_community
from infra.embedded import EmbeddedServer


class RankingCpu:
    """The ranking threads' CPU seconds, summed over `FeedRanker._rank_all` calls while installed."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._lock = threading.Lock()
        self._original = FeedRanker._rank_all

    def __enter__(self) -> RankingCpu:
        original, lock = self._original, self._lock

        def timed(ranker: FeedRanker, *args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            try:
                return original(ranker, *args, **kwargs)
            finally:
                with lock:
                    self.seconds += time.thread_time() - started

        FeedRanker._rank_all = timed  # type: ignore[method-assign,assignment]
        return self

    def __exit__(self, *_: object) -> None:
        FeedRanker._rank_all = self._original  # type: ignore[method-assign]


class GcCpu:
    """The collector's passes while installed: the CPU seconds of all, and how many were full (generation 2)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.full_passes = 0
        self._started: dict[int, float] = {}

    def _callback(self, phase: str, info: dict[str, Any]) -> None:
        thread = threading.get_ident()
        if phase == "start":
            self._started[thread] = time.thread_time()
            return
        started = self._started.pop(thread, None)
        if started is None:
            return
        self.seconds += time.thread_time() - started
        if info["generation"] == 2:
            self.full_passes += 1

    def reset(self) -> None:
        self.seconds = 0.0
        self.full_passes = 0

    def __enter__(self) -> GcCpu:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *_: object) -> None:
        gc.callbacks.remove(self._callback)


def _variant(run: int, compare_freeze: bool) -> str:
    """The timed run's variant: "" (as the code runs), or with --compare-freeze "_frozen" / "_unfrozen" in pairs,
    the order swapped every pair."""
    if not compare_freeze:
        return ""
    pair, second = divmod(run, 2)
    return "_frozen" if (pair % 2 == 0) == bool(second) else "_unfrozen"


async def measure(uri: str, members_wanted: int, runs: int, compare_freeze: bool = False) -> dict[str, Any]:
    async with Topology(bench_settings(uri, f"slotcpu{uuid.uuid4().hex[:8]}")).running() as services:
        service: DistributionService = services.apps["distribution"].state.service
        cid, members, _ = await ranked_community(services, members_wanted)
        oid = ObjectId(cid)
        service.slots.max_deliveries_per_day = 1_000_000
        per_run: dict[str, list[float]] = {}
        with RankingCpu() as cpu, GcCpu() as collector:
            for day in range(runs + 1):
                variant = _variant(day - 1, compare_freeze) if day else ""
                slots_gc.FREEZE = variant != "_unfrozen"
                cpu.seconds = 0.0
                collector.reset()
                started = time.process_time()
                await run_slot_for_community(service.slots, oid, Slot.EVENING, day=f"2030-01-{day + 1:02d}", top_k=5)
                returned = time.process_time()
                await outbox_drained(service)
                counted = time.process_time()
                await service.store.deliveries.deliveries.delete_many({"community_id": oid})
                if day == 0:
                    continue  # the warm run
                for key, value in (
                    ("ranking_thread_ms_per_member", cpu.seconds / len(members) * 1000),
                    ("run_ms_per_member", (returned - started) / len(members) * 1000),
                    ("until_counted_ms_per_member", (counted - started) / len(members) * 1000),
                    ("gc_ms_per_member", collector.seconds / len(members) * 1000),
                    ("gc_full_passes", collector.full_passes),
                ):
                    per_run.setdefault(f"slot_cpu_{key}{variant}", []).append(value)
        slots_gc.FREEZE = True
        figures: dict[str, Any] = {"slot_cpu_members": len(members), "slot_cpu_runs": runs}
        for key, values in per_run.items():
            figures[key] = round(statistics.median(values), 4)
            figures[f"{key}_each"] = [round(v, 4) for v in values]
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--compare-freeze",
        action="store_true",
        help="alternate runs with and without the run's freeze of older objects (service/slots_gc.py), in pairs",
    )
    args = parser.parse_args()
    server = EmbeddedServer(":memory:")
    server.start()
    try:
        figures = asyncio.run(measure(server.uri, args.members, args.runs, args.compare_freeze))
    finally:
        server.stop()
    for key, value in figures.items():
        print(f"{key:45} {value}")
    print_summary(figures)


if __name__ == "__main__":
    main()
