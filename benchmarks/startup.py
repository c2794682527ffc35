"""Index builds at start-up: `python -m benchmarks.startup`.

Every service builds its indexes when it starts (and every test starts all four). Measured on one embedded server,
in one run, over fresh databases each repeat: the platform's whole index set built as the stores declare it
(`IndexPlan`: one `createIndexes` per collection, collections concurrently) against the same indexes built with one
`create_index` call each, in order (the baseline). Also reported: the median start of all four services in one
process. Medians over --repeats; the last line is one JSON object.

`--processes`: also each service started as its own process (`python -m <service>`, what a restart after a crash
runs) until its `/readyz` answers 200, in wall and CPU seconds, and the CPU seconds of importing its app module,
against a bare interpreter's (`python -c pass`) in the same run. CPU seconds hold on a loaded machine, where the
wall clock mostly measures the other work.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from pymongo import AsyncMongoClient

from benchmarks.common import print_summary, scratch_settings
from composition.topology import Topology
from infra.embedded import free_port
from infra.indexes import IndexPlan
from infra.processes import stop_all, wait_ready
from infra.settings import Settings

# Every index the stores declare, as (database, collection, keys, options), recorded while the services start.
Declared = tuple[str, str, Any, dict[str, Any]]


def recording(seen: dict[str, Declared]) -> Any:
    add = IndexPlan.add

    def record(plan: IndexPlan, collection: Any, keys: Any, **options: Any) -> None:
        seen[f"{collection.database.name}.{collection.name}:{keys!r}:{options!r}"] = (
            collection.database.name.split("_")[-1],
            collection.name,
            keys,
            options,
        )
        add(plan, collection, keys, **options)

    return record


async def start_all(settings: Settings) -> float:
    """Seconds to start the four services in one process (what each test and `make run` does)."""
    began = time.perf_counter()
    async with Topology(settings).running():
        took = time.perf_counter() - began
    return took


async def one_by_one(client: AsyncMongoClient[Any], prefix: str, declared: list[Declared]) -> float:
    began = time.perf_counter()
    for database, collection, keys, options in declared:
        await client[f"{prefix}{database}"][collection].create_index(keys, **options)
    return time.perf_counter() - began


async def planned(client: AsyncMongoClient[Any], prefix: str, declared: list[Declared]) -> float:
    began = time.perf_counter()
    plan = IndexPlan()
    for database, collection, keys, options in declared:
        plan.add(client[f"{prefix}{database}"][collection], keys, **options)
    await plan.create()
    return time.perf_counter() - began


SERVICES = ("users", "content", "distribution", "billing")
REPO = Path(__file__).resolve().parents[1]


def cpu_of_run(*arguments: str) -> float:
    """CPU seconds (user + system) a child process used from start to exit: on a loaded machine the wall clock
    measures the other work, CPU seconds measure ours."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, *arguments], cwd=REPO, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cpu_so_far(pid: int) -> float:
    """CPU seconds a running process has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_start(service: str, settings: Settings) -> tuple[float, float]:
    """Wall and CPU seconds from `python -m <service>` to its first `/readyz` 200 (fresh databases: index builds
    included)."""
    port = free_port()
    env = {
        **os.environ,
        "APP_ENV": "test",
        "MONGODB_URI": settings.mongodb_uri or "",
        "DB_PREFIX": f"p{uuid.uuid4().hex[:8]}",
        "JWT_SECRET": settings.jwt_secret or "",
        "PLATFORM_ADMIN_KEY": settings.platform_admin_key or "",
        "INTERNAL_API_TOKEN": "startup-internal-token-0123456789abcdef",
        "SEED_DEMO": "false",
        f"{service.upper()}_SERVICE_PORT": str(port),
    }
    began = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", f"{service}_service"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_ready(f"http://127.0.0.1:{port}", process, timeout=300, interval=0.05)
        return time.perf_counter() - began, cpu_so_far(process.pid)
    finally:
        stop_all([process], grace=30)


def processes(settings: Settings, repeats: int) -> dict[str, Any]:
    """Per service: wall and CPU seconds to ready, and CPU seconds of importing its app module; the bare
    interpreter's CPU seconds are the floor."""
    bare = statistics.median(cpu_of_run("-c", "pass") for _ in range(repeats))
    figures: dict[str, Any] = {"bare_interpreter_cpu_s_median": round(bare, 3)}
    for service in SERVICES:
        starts = [process_start(service, settings) for _ in range(repeats)]
        imports = statistics.median(cpu_of_run("-c", f"import {service}_service.app") for _ in range(repeats))
        ready_cpu = statistics.median(cpu for _, cpu in starts)
        figures[f"{service}_ready_s_median"] = round(statistics.median(wall for wall, _ in starts), 2)
        figures[f"{service}_ready_cpu_s_median"] = round(ready_cpu, 2)
        figures[f"{service}_ready_cpu_x_bare"] = round(ready_cpu / bare, 1)
        figures[f"{service}_import_cpu_s_median"] = round(imports, 2)
    return figures


async def main(repeats: int, with_processes: bool = False) -> dict[str, Any]:
    seen: dict[str, Declared] = {}
    with scratch_settings() as settings:
        original = IndexPlan.add
        IndexPlan.add = recording(seen)  # type: ignore[method-assign]
        starts = []
        try:
            for _ in range(repeats):
                fresh = settings.model_copy(update={"db_prefix": f"b{uuid.uuid4().hex[:8]}"})
                starts.append(await start_all(fresh))
        finally:
            IndexPlan.add = original  # type: ignore[method-assign]
        declared = list({(d, c, repr(k), repr(o)): (d, c, k, o) for d, c, k, o in seen.values()}.values())
        started = processes(settings, repeats) if with_processes else {}
        client: AsyncMongoClient[Any] = AsyncMongoClient(settings.mongodb_uri)
        try:
            bare, ours = [], []
            for _ in range(repeats):
                bare.append(await one_by_one(client, f"x{uuid.uuid4().hex[:6]}_", declared))
                ours.append(await planned(client, f"y{uuid.uuid4().hex[:6]}_", declared))
        finally:
            await client.close()
    return {
        "indexes": len(declared),
        "collections": len({(d, c) for d, c, _, _ in declared}),
        "one_by_one_ms_median": round(statistics.median(bare) * 1000, 1),
        "planned_ms_median": round(statistics.median(ours) * 1000, 1),
        "speedup_x": round(statistics.median(bare) / statistics.median(ours), 2),
        "start_all_services_ms_median": round(statistics.median(starts) * 1000, 1),
        **started,
        "repeats": repeats,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--processes", action="store_true", help="also each service's process start to /readyz")
    arguments = parser.parse_args()
    figures = asyncio.run(main(arguments.repeats, arguments.processes))
    print_summary(figures)
