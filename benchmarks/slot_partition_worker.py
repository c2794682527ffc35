"""One partition of a golden-slot run in its own process, as a cron's `--partition I/N` worker runs it: for
benchmarks/slot_run.py, which starts one per partition and times them side by side.

    python -m benchmarks.slot_partition_worker --mongodb-uri URI --db-prefix P --community ID --warm-member ID
        --day DAY --partition I/N

The worker starts the platform in-process on the benchmark's databases, warms it (the models loaded, the slot pool
read: `FeedRanker.batch` for one member, nothing written), prints READY, runs its partition when a line arrives on
stdin, and prints RESULT with one JSON object: members delivered, its own CPU seconds over the run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bson import ObjectId

READY = "SLOT_WORKER_READY"
RESULT = "SLOT_WORKER_RESULT "
REPOSITORY = Path(__file__).resolve().parents[1]


async def work(args: argparse.Namespace) -> dict[str, Any]:
    from composition.topology import Topology
    from distribution_service.domain.experiment_enums import Channel
    from distribution_service.domain.honeycomb import Slot
    from distribution_service.service import DistributionService
    from distribution_service.service.scheduled import run_slot_for_community
    from distribution_service.service.slots import SLOT_POOL_SECONDS
    from infra.settings import Settings

    index, _, count = args.partition.partition("/")
    settings = Settings(app_env="test", mongodb_uri=args.mongodb_uri, db_prefix=args.db_prefix, seed_demo=False)
    oid = ObjectId(args.community)
    async with Topology(settings).running() as services:
        service: DistributionService = services.apps["distribution"].state.service
        await service.ranker.batch(oid, [args.warm_member], Channel.PUSH, SLOT_POOL_SECONDS)
        print(READY, flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        cpu_before = time.process_time()
        result = await run_slot_for_community(
            service.slots, oid, Slot.EVENING, day=args.day, top_k=5, partition_index=int(index), partitions=int(count)
        )
        return {"delivered": result.delivered, "cpu_seconds": time.process_time() - cpu_before}


@dataclass
class PartitionWorkers:
    """Started and warm partition workers; `run` starts them all at once and answers each one's RESULT."""

    processes: list[asyncio.subprocess.Process]

    async def run(self) -> list[dict[str, Any]]:
        for process in self.processes:
            assert process.stdin is not None
            process.stdin.write(b"go\n")
            await process.stdin.drain()
        return list(await asyncio.gather(*(_result(p) for p in self.processes)))


async def partitions_in_processes(
    uri: str, db_prefix: str, community: str, warm_member: str, *, day: str, partitions: int
) -> PartitionWorkers:
    """One warm worker process per partition (each has printed READY)."""
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "benchmarks.slot_partition_worker",
            "--mongodb-uri",
            uri,
            "--db-prefix",
            db_prefix,
            "--community",
            community,
            "--warm-member",
            warm_member,
            "--day",
            day,
            "--partition",
            f"{i}/{partitions}",
            cwd=REPOSITORY,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        for i in range(partitions)
    ]
    for process in processes:
        await _line_starting(process, READY)
    return PartitionWorkers(processes)


async def _line_starting(process: asyncio.subprocess.Process, marker: str) -> str:
    assert process.stdout is not None
    while line := (await process.stdout.readline()).decode():
        if line.startswith(marker):
            return line
    raise RuntimeError(f"a partition worker ended (exit {await process.wait()}) before printing {marker.strip()}")


async def _result(process: asyncio.subprocess.Process) -> dict[str, Any]:
    line = await _line_starting(process, RESULT)
    await process.wait()
    found: dict[str, Any] = json.loads(line[len(RESULT) :])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("--mongodb-uri", "--db-prefix", "--community", "--warm-member", "--day", "--partition"):
        parser.add_argument(name, required=True)
    figures = asyncio.run(work(parser.parse_args()))
    print(RESULT + json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
