"""The feed's newest-items read on a community with a long history: `python -m benchmarks.newest_items`.

A community of --items published items (default 20,000) spread evenly over --days (default 730), in
content_service's own store with its own indexes. Measured: `PiecesStore.list_published_summaries` (the newest
500 through widening windows of publication time, what the feed's candidate generator asks for) against the
same read as one query sorted over the community's whole history (the baseline, same server, same run). Medians
over --repeats. SecantusDB sorts every document a query matches, so the single query grows with the community's
history; the windowed read grows with its recent activity.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import DESCENDING, AsyncMongoClient

from benchmarks.common import print_summary, scratch_settings
from content_service.store.pieces import SUMMARY_FIELDS, PiecesStore

LIMIT = 500
BATCH = 2000


async def median_ms(call: Any, repeats: int) -> float:
    await call()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - start)
    return round(statistics.median(samples) * 1000, 2)


async def measure(args: argparse.Namespace) -> dict[str, Any]:
    with scratch_settings() as settings:
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongodb_uri)
        try:
            store = PiecesStore(client[settings.database_name("content")])
            await store.ensure_indexes()
            community = ObjectId()
            now = datetime.now(UTC)
            step = timedelta(days=args.days) / args.items
            docs = [
                {
                    "community_id": community,
                    "status": "PUBLISHED",
                    "kind": "UGC",
                    "author_id": ObjectId(),
                    "title": f"Item {i}",
                    "body": "b" * 200,
                    "tags": [f"t{i % 50}"],
                    "published_at": now - step * i,
                    "created_at": now - step * i,
                }
                for i in range(args.items)
            ]
            for lo in range(0, len(docs), BATCH):
                await store.content.insert_many(docs[lo : lo + BATCH], ordered=False)

            async def windowed() -> list[Any]:
                return await store.list_published_summaries(community, limit=LIMIT)

            async def single_query() -> list[Any]:
                cursor = (
                    store.content.find({"community_id": community, "status": "PUBLISHED"}, projection=SUMMARY_FIELDS)
                    .sort("published_at", DESCENDING)
                    .limit(LIMIT)
                )
                return [doc async for doc in cursor]

            assert [s.id for s in await windowed()] == [str(d["_id"]) for d in await single_query()]
            windowed_ms = await median_ms(windowed, args.repeats)
            single_ms = await median_ms(single_query, args.repeats)
        finally:
            await client.close()
    return {
        "items": args.items,
        "days": args.days,
        "newest": LIMIT,
        "windowed_ms": windowed_ms,
        "single_query_ms": single_ms,
        "single_over_windowed": round(single_ms / windowed_ms, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--repeats", type=int, default=10)
    figures = asyncio.run(measure(parser.parse_args()))
    print(
        f"newest {figures['newest']} of {figures['items']} items over {figures['days']} days: "
        f"windowed {figures['windowed_ms']} ms, one sorted query {figures['single_query_ms']} ms "
        f"({figures['single_over_windowed']}x)"
    )
    print_summary(figures)


if __name__ == "__main__":
    main()
