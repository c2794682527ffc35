"""Index builds at start-up: `python -m benchmarks.startup`.

Every service builds its indexes when it starts (and every test starts all four). Measured on one embedded server,
in one run, over fresh databases each repeat: the platform's whole index set built as the stores declare it
(`IndexPlan`: one `createIndexes` per collection, collections concurrently) against the same indexes built with one
`create_index` call each, in order (the baseline). Also reported: the median start of all four services in one
process. Medians over --repeats; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from typing import Any

from pymongo import AsyncMongoClient

from benchmarks.common import print_summary, scratch_settings
from composition.topology import Topology
from infra.indexes import IndexPlan
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


async def main(repeats: int) -> dict[str, Any]:
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
        "repeats": repeats,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    figures = asyncio.run(main(parser.parse_args().repeats))
    print_summary(figures)
