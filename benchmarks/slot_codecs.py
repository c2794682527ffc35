"""Slot runs with the decision log packed by zlib or by zstd, alternated in one process: `python -m
benchmarks.slot_codecs`.

    python -m benchmarks.slot_codecs [--members 2000] [--rounds 4]

benchmarks/slot_run.py's community (--members members, 500 items, a trained model promoted), one warm-up run, then
--rounds rounds of two whole slot runs (each to its own day, the daily cap lifted), one packing the decision log
with zlib level 1 (`decision_log.ZLIB_CODEC`, the codec before zstd) and one with zstd (`decision_log.CODEC`), the
order swapped every round. Each run is measured until the ingest worker has counted its impressions: this process's
CPU per member (ranking, packing, the reads' and writes' client side, the counting) and the database server's.
One process and one community for both codecs, so the machine's load and the community's growth touch both alike.
The last line is one JSON object: each codec's per-round figures and their medians.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
import zlib
from datetime import date, timedelta
from typing import Any

from bson import ObjectId

from benchmarks.common import print_summary
from benchmarks.slot_run import bench_settings, outbox_drained, per_member_ms, process_cpu_seconds, ranked_community
from composition.topology import Topology
from distribution_service.domain import decision_log
from distribution_service.domain.honeycomb import Slot
from distribution_service.service import DistributionService
from distribution_service.service.scheduled import run_slot_for_community
from infra.embedded import EmbeddedServer

CODECS = {
    "zlib": (decision_log.ZLIB_CODEC, lambda raw: zlib.compress(raw, 1)),
    "zstd": (decision_log.CODEC, decision_log.compress),
}


def use_codec(name: str) -> None:
    """Pack the decision log with this codec from now on (tagged as it is, so readers read it)."""
    decision_log.CODEC, decision_log.compress = CODECS[name]


async def measure(services: Topology, members_wanted: int, rounds: int, server_pid: int | None) -> dict[str, Any]:
    service: DistributionService = services.apps["distribution"].state.service
    service.slots.max_deliveries_per_day = 10**6
    cid, members, _ = await ranked_community(services, members_wanted)
    oid = ObjectId(cid)
    day = date(2030, 1, 1)
    await run_slot_for_community(service.slots, oid, Slot.EVENING, day=day.isoformat(), top_k=5)
    await outbox_drained(service)
    runs: dict[str, list[dict[str, float | None]]] = {name: [] for name in CODECS}
    for r in range(rounds):
        for name in ("zlib", "zstd") if r % 2 == 0 else ("zstd", "zlib"):
            use_codec(name)
            day += timedelta(days=1)
            cpu, db, started = time.process_time(), process_cpu_seconds(server_pid), time.perf_counter()
            await run_slot_for_community(service.slots, oid, Slot.EVENING, day=day.isoformat(), top_k=5)
            await outbox_drained(service)
            runs[name].append(
                {
                    "members_per_s": round(len(members) / (time.perf_counter() - started), 1),
                    "platform_cpu_ms_per_member": per_member_ms(cpu, time.process_time(), len(members)),
                    "database_cpu_ms_per_member": per_member_ms(db, process_cpu_seconds(server_pid), len(members)),
                }
            )
    use_codec("zstd")
    figures: dict[str, Any] = {"slot_codecs_members": len(members), "slot_codecs_rounds": rounds}
    for name, measured in runs.items():
        for key in ("members_per_s", "platform_cpu_ms_per_member", "database_cpu_ms_per_member"):
            values = [v for m in measured if (v := m[key]) is not None]
            figures[f"slot_codecs_{name}_{key}"] = [m[key] for m in measured]
            figures[f"slot_codecs_{name}_{key}_median"] = round(statistics.median(values), 3) if values else None
    return figures


async def run(uri: str, members: int, rounds: int, server_pid: int | None) -> dict[str, Any]:
    async with Topology(bench_settings(uri, f"codec{uuid.uuid4().hex[:8]}")).running() as services:
        return await measure(services, members, rounds, server_pid)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    server = EmbeddedServer(":memory:")
    server.start()
    try:
        pid = server.process.pid if server.process else None
        figures = asyncio.run(run(server.uri, args.members, args.rounds, pid))
    finally:
        server.stop()
    for key, value in figures.items():
        print(f"{key:52} {value}")
    print_summary(figures)


if __name__ == "__main__":
    main()
