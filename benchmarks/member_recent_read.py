"""What a member's history costs a feed's read: `python -m benchmarks.member_recent_read`.

    python -m benchmarks.member_recent_read [--repeat 1000]

One member's `member_recent` document with 100 entries (RECENT_KEPT: what a member with 1,000 or 10,000 events
has) and one with none, each read as a feed reads it (`EventsStore.list_member_docs` for one member) and its dates
turned into the epoch seconds `FeatureInputs.engagements` builds its columns from. The two reads alternate, medians
over --repeat; `history_step_ms` is what the 100 entries add (the read's part of benchmarks/feed_history.py's
10,000-events step).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from bson import ObjectId
from pymongo import AsyncMongoClient

from benchmarks.common import median_ms, print_summary, scratch_settings
from distribution_service.service.feature_inputs import _ts
from distribution_service.store import DistributionStore
from distribution_service.store.member_recent import RECENT_KEPT


async def run(repeat: int) -> dict[str, Any]:
    with scratch_settings() as settings:
        client: AsyncMongoClient[Any] = AsyncMongoClient(settings.mongodb_uri, tz_aware=True)
        try:
            store = DistributionStore(client[settings.database_name("distribution")])
            community, member, newcomer = ObjectId(), ObjectId(), ObjectId()
            now = datetime.now(UTC)
            events = [
                {
                    "_id": ObjectId(),
                    "community_id": community,
                    "member_id": member,
                    "content_id": ObjectId(),
                    "type": "OPEN",
                    "occurred_at": now - timedelta(minutes=7 * k),
                    "tags": [f"t{k % 7}"],
                    "author_id": str(ObjectId()),
                    "kind": "UGC",
                }
                for k in range(RECENT_KEPT)
            ]
            # As the ingest worker leaves them: the member's entries, and the newcomer's document with none.
            await store.events.recent.push(events, None)
            await store.events.recent.set_relations(community, newcomer, [], [], None)

            async def read(mid: ObjectId) -> int:
                docs = await store.events.list_member_docs(community, [mid], limit=RECENT_KEPT)
                entries = (docs or {}).get(str(mid), {}).get("events", [])
                np.fromiter((_ts(e["occurred_at"]) for e in entries), dtype=float, count=len(entries))
                return len(entries)

            assert await read(member) == RECENT_KEPT
            assert await read(newcomer) == 0
            samples: dict[ObjectId, list[float]] = {member: [], newcomer: []}
            for k in range(repeat + 30):
                for mid in (member, newcomer):
                    started = time.perf_counter()
                    await read(mid)
                    if k >= 30:
                        samples[mid].append(time.perf_counter() - started)
        finally:
            await client.close()
    history, empty = median_ms(samples[member]), median_ms(samples[newcomer])
    return {
        "entries": RECENT_KEPT,
        "read_100_entries_median_ms": history,
        "read_no_entries_median_ms": empty,
        "history_step_ms": round(history - empty, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1000)
    args = parser.parse_args()
    figures = asyncio.run(run(args.repeat))
    print(
        f"member_recent read as a feed reads it: 100 entries {figures['read_100_entries_median_ms']} ms, "
        f"none {figures['read_no_entries_median_ms']} ms (step {figures['history_step_ms']} ms)"
    )
    print_summary(figures)


if __name__ == "__main__":
    main()
