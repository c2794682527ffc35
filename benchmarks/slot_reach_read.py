"""A one-shot slot worker's read of who was shown something in 90 days, whole and from the stored reach: `python -m
benchmarks.slot_reach_read`.

    python -m benchmarks.slot_reach_read [--members 1000] [--days 5] [--hours-since 8]

A real slot run's decisions (benchmarks/slot_commands.py: 300 members, their packed arrays and shown items) copied
into a scratch community for --members members, three slots a day (13, 8 and 1 hours before each day's end) over
--days days, the last slot --hours-since hours before now. Then two fresh readers each ask for the reach
(`ShownMembers.since`, as a cron's `--partition` worker does), with the database server's CPU (/proc) and the wall
time around each: one keeping nothing (the whole window's decisions read, as every one-shot worker did), one
finding the reach a previous run stored one hour after the last slot (store/decisions_reach.py; it reads only the
decisions since that read, less the overlap), both answers checked equal. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import AsyncMongoClient

from benchmarks.common import print_summary
from benchmarks.slot_commands import slot_documents
from benchmarks.slot_run import process_cpu_seconds
from distribution_service.service.shown_members import ShownMembers
from distribution_service.store import DecisionsStore
from distribution_service.store.base import Doc
from infra.embedded import EmbeddedServer

WINDOW = timedelta(days=90)
SLOT_HOURS = (13, 8, 1)


async def measure(uri: str, pid: int | None, members: int, days: int, hours_since: int) -> dict[str, Any]:
    sample, _ = await slot_documents(uri)
    client: AsyncMongoClient[Doc] = AsyncMongoClient(uri)
    try:
        store = DecisionsStore(client[f"reach{uuid.uuid4().hex[:8]}"])
        await store.ensure_indexes()
        community = ObjectId()
        now = datetime.now(UTC)
        last_slot = now - timedelta(hours=hours_since)
        people = [ObjectId() for _ in range(members)]
        ats = [last_slot - timedelta(days=d, hours=h - 1) for d in range(days) for h in SLOT_HOURS]
        for at in ats:
            docs = [
                {**sample[k % len(sample)], "_id": ObjectId(), "community_id": community, "member_id": m, "at": at}
                for k, m in enumerate(people)
            ]
            await store.decisions.insert_many(docs, ordered=False)
        # A previous run's worker, one hour after the last slot: its read stored.
        stored_at = last_slot + timedelta(hours=1)
        await ShownMembers(store, kept=store.reach).since(community, stored_at - WINDOW, now=stored_at)

        async def read(reader: ShownMembers) -> tuple[set[str], float | None, float]:
            db, started = process_cpu_seconds(pid), time.perf_counter()
            found = await reader.since(community, now - WINDOW, now=now)
            after = process_cpu_seconds(pid)
            return found, (after - db if after is not None and db is not None else None), time.perf_counter() - started

        whole, whole_db, whole_s = await read(ShownMembers(store))
        stored, stored_db, stored_s = await read(ShownMembers(store, kept=store.reach))
        return {
            "slot_reach_members": members,
            "slot_reach_decisions": len(ats) * members,
            "slot_reach_whole_database_cpu_s": round(whole_db, 3) if whole_db is not None else None,
            "slot_reach_whole_s": round(whole_s, 3),
            "slot_reach_from_stored_database_cpu_s": round(stored_db, 3) if stored_db is not None else None,
            "slot_reach_from_stored_s": round(stored_s, 3),
            "slot_reach_same_members": whole == stored and len(whole) == members,
        }
    finally:
        await client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--hours-since", type=int, default=8)
    args = parser.parse_args()
    server = EmbeddedServer(":memory:")
    server.start()
    try:
        pid = server.process.pid if server.process else None
        figures = asyncio.run(measure(server.uri, pid, args.members, args.days, args.hours_since))
    finally:
        server.stop()
    for key, value in figures.items():
        print(f"{key:40} {value}")
    print_summary(figures)


if __name__ == "__main__":
    main()
