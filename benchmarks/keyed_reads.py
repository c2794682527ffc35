"""Reads of item_stats documents by `_id`: one `$in` of every key vs `infra.lookups.find_in`'s small `$in` reads.

    python -m benchmarks.keyed_reads [--items 3000] [--keys 500]

A fresh embedded server holds three communities' counters documents (`--items` each, `_id` "<community>:<content>"
as store/item_counters.py keys them); one community's keys are read back whole (`list_item_engagement`'s shape) and
`--keys` of them (a pool's candidates: `list_item_stats`, `sum_recent_engagement`), each both ways. Figures: the
server's CPU seconds (from /proc) and wall seconds per read, and the ratio of one `$in` to `find_in`.

Prints one JSON line of its figures.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

from bson import ObjectId
from pymongo import AsyncMongoClient

from benchmarks.common import print_summary
from benchmarks.gateway_harness import cpu_seconds
from infra.embedded import EmbeddedServer
from infra.lookups import find_in


async def _count(docs: AsyncIterator[Any]) -> int:
    return len([doc async for doc in docs])


async def _measured(server_pid: int, docs: AsyncIterator[Any]) -> tuple[float, float, int]:
    """Server CPU seconds, wall seconds and documents of reading `docs` through."""
    cpu, started = cpu_seconds(server_pid), time.perf_counter()
    found = await _count(docs)
    return cpu_seconds(server_pid) - cpu, time.perf_counter() - started, found


async def run(items: int, keys: int) -> dict[str, Any]:
    server = EmbeddedServer(":memory:")
    server.start()
    try:
        assert server.process is not None
        pid = server.process.pid
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(server.uri, directConnection=True)
        stats = client["bench_keyed_reads"]["item_stats"]
        communities = [ObjectId() for _ in range(3)]
        for cid in communities:
            docs = [{"_id": f"{cid}:{ObjectId()}", "community_id": cid, "engagement": 1.0} for _ in range(items)]
            await stats.insert_many(docs)
        cid = communities[1]
        every = [doc["_id"] async for doc in stats.find({"community_id": cid}, projection={"_id": 1})]
        figures: dict[str, Any] = {"items_per_community": items, "communities": len(communities)}
        for name, wanted in (("all", every), ("candidates", every[:keys])):
            one = await _measured(pid, aiter(stats.find({"_id": {"$in": wanted}})))
            chunked = await _measured(pid, find_in(stats, {}, "_id", wanted))
            assert one[2] == chunked[2] == len(wanted)
            figures[f"{name}_keys"] = len(wanted)
            figures[f"{name}_one_in_server_cpu_s"] = round(one[0], 3)
            figures[f"{name}_find_in_server_cpu_s"] = round(chunked[0], 3)
            figures[f"{name}_one_in_wall_s"] = round(one[1], 3)
            figures[f"{name}_find_in_wall_s"] = round(chunked[1], 3)
            figures[f"{name}_one_in_over_find_in_wall"] = round(one[1] / chunked[1], 2)
        await client.close()
        return figures
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--keys", type=int, default=500)
    args = parser.parse_args()
    print_summary(asyncio.run(run(args.items, args.keys)))


if __name__ == "__main__":
    main()
