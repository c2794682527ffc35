"""A slot run's CPU per member in one process, run after run: `python -m benchmarks.slot_cpu`.

    python -m benchmarks.slot_cpu [--members 2000] [--runs 5]

The community of benchmarks/slot_run.py (--members members, 500 items, a trained model promoted), one warm run,
then --runs runs of the whole slot (another day each, the deliveries emptied between runs and the daily cap lifted,
so every run ranks every member). Per run and member: the ranking threads' CPU (`FeedRanker._rank_all`, thread
CPU: the members' matrices, the stacked predict, diversity, the decision log), the process's CPU until the run
returns and until the ingest worker has counted its impressions. Separate `benchmarks.slot_run` processes spread
by ±0.2 ms a member on a shared machine; runs in one process spread less. Medians in the last line (one JSON
object).
"""

from __future__ import annotations

import argparse
import asyncio
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
from distribution_service.service import DistributionService
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


async def measure(uri: str, members_wanted: int, runs: int) -> dict[str, Any]:
    async with Topology(bench_settings(uri, f"slotcpu{uuid.uuid4().hex[:8]}")).running() as services:
        service: DistributionService = services.apps["distribution"].state.service
        cid, members, _ = await ranked_community(services, members_wanted)
        oid = ObjectId(cid)
        service.slots.max_deliveries_per_day = 1_000_000
        ranking, run_cpu, counted_cpu = [], [], []
        with RankingCpu() as cpu:
            for day in range(runs + 1):
                cpu.seconds = 0.0
                started = time.process_time()
                await run_slot_for_community(service.slots, oid, Slot.EVENING, day=f"2030-01-{day + 1:02d}", top_k=5)
                returned = time.process_time()
                await outbox_drained(service)
                counted = time.process_time()
                await service.store.deliveries.deliveries.delete_many({"community_id": oid})
                if day == 0:
                    continue  # the warm run
                ranking.append(cpu.seconds / len(members) * 1000)
                run_cpu.append((returned - started) / len(members) * 1000)
                counted_cpu.append((counted - started) / len(members) * 1000)
        return {
            "slot_cpu_members": len(members),
            "slot_cpu_runs": runs,
            "slot_cpu_ranking_thread_ms_per_member": round(statistics.median(ranking), 4),
            "slot_cpu_run_ms_per_member": round(statistics.median(run_cpu), 4),
            "slot_cpu_until_counted_ms_per_member": round(statistics.median(counted_cpu), 4),
            "slot_cpu_ranking_thread_ms_per_member_each": [round(v, 4) for v in ranking],
            "slot_cpu_run_ms_per_member_each": [round(v, 4) for v in run_cpu],
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    server = EmbeddedServer(":memory:")
    server.start()
    try:
        figures = asyncio.run(measure(server.uri, args.members, args.runs))
    finally:
        server.stop()
    for key, value in figures.items():
        print(f"{key:45} {value}")
    print_summary(figures)


if __name__ == "__main__":
    main()
