"""The database server's CPU per member for each kind of command a slot run's chunk sends: `python -m
benchmarks.slot_commands`.

    python -m benchmarks.slot_commands [--repeats 15] [--history-days 30]

A 300-member community is ranked by one slot run (benchmarks/slot_run.py's community and model); its decisions and
deliveries are then replayed, 200 at a time (one chunk), into scratch collections on the same embedded server, and
the server's process CPU (/proc, user and system) is read around --repeats repetitions of each command:
deliveries inserted under the previous version's seven indexes and under the five kept now; decisions inserted with
their outbox entries in a transaction, alone, with community_at as their only secondary index (the experiment and
shadow indexes dropped), without secondary indexes, and without their packed arrays; an `$in`
of 200 members finding 200 documents, as one read and as four of 50; the members' member_recent read (`_id` `$in`)
as one read of 200 and in READ_BATCH-sized reads; and the daily cap's counts for 200 members with
--history-days of earlier deliveries (three a day), read per chunk by `$in` (the previous version) and by one range
read of the last day (service/recent_deliveries.py). Figures in ms of server CPU per member. The last line is one
JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, AsyncMongoClient

from benchmarks.common import print_summary
from benchmarks.slot_run import process_cpu_seconds, ranked_community
from composition.topology import Topology
from distribution_service.domain.honeycomb import Slot
from distribution_service.service import DistributionService
from distribution_service.service.recent_deliveries import RecentDeliveries
from distribution_service.service.scheduled import run_slot_for_community
from distribution_service.store import DecisionsStore, DeliveriesStore
from distribution_service.store.member_recent import READ_BATCH
from infra.embedded import EmbeddedServer
from infra.lookups import find_in
from infra.settings import Settings

Doc = dict[str, Any]
CHUNK = 200
# The indexes `deliveries` had before this version (besides `_id_`): the current five plus two.
PREVIOUS_DELIVERY_INDEXES: list[tuple[list[tuple[str, int]], Doc]] = [
    (
        [("community_id", ASCENDING), ("member_id", ASCENDING), ("slot", ASCENDING), ("day", ASCENDING)],
        {"unique": True},
    ),
    ([("community_id", ASCENDING), ("slot", ASCENDING), ("day", ASCENDING), ("member_id", ASCENDING)], {}),
    ([("community_id", ASCENDING), ("member_id", ASCENDING), ("created_at", DESCENDING)], {}),
    ([("community_id", ASCENDING), ("slot", ASCENDING)], {}),
    ([("community_id", ASCENDING), ("created_at", ASCENDING)], {}),
    ([("mail.state", ASCENDING), ("mail.next_at", ASCENDING)], {}),
]


async def slot_documents(uri: str) -> tuple[list[Doc], list[Doc]]:
    """A real slot run's decisions and deliveries (300 members)."""
    settings = Settings(app_env="test", mongodb_uri=uri, db_prefix=f"cmds{uuid.uuid4().hex[:8]}", seed_demo=False)
    async with Topology(settings).running() as services:
        service: DistributionService = services.apps["distribution"].state.service
        cid, _, _ = await ranked_community(services, 300)
        oid = ObjectId(cid)
        await run_slot_for_community(service.slots, oid, Slot.EVENING, day="2030-01-01", top_k=5)
        decisions = [d async for d in service.store.decisions.decisions.find({"community_id": oid, "source": "slot"})]
        deliveries = [d async for d in service.store.deliveries.deliveries.find({"community_id": oid})]
        return decisions, deliveries


def chunk_of(docs: list[Doc], community: ObjectId, **fields: Any) -> list[Doc]:
    """CHUNK copies of the sample documents with fresh ids and members, in one community."""
    return [
        {**docs[k % len(docs)], "_id": ObjectId(), "community_id": community, "member_id": ObjectId(), **fields}
        for k in range(CHUNK)
    ]


async def measure(uri: str, pid: int | None, repeats: int, history_days: int) -> dict[str, Any]:
    decisions, deliveries = await slot_documents(uri)
    client: AsyncMongoClient[Doc] = AsyncMongoClient(uri, retryWrites=False, tz_aware=True)
    db = client[f"cmds{uuid.uuid4().hex[:8]}"]
    figures: dict[str, Any] = {"slot_commands_repeats": repeats}

    async def server_ms_per_member(key: str, command: Callable[[int], Awaitable[object]]) -> None:
        await command(-1)  # warm: the collection and its indexes exist before the timed repetitions
        before = process_cpu_seconds(pid)
        for n in range(repeats):
            await command(n)
        after = process_cpu_seconds(pid)
        if before is not None and after is not None:
            figures[key] = round((after - before) / repeats / CHUNK * 1000, 3)

    try:
        community = ObjectId()
        previous = db["deliveries_previous"]
        for keys, options in PREVIOUS_DELIVERY_INDEXES:
            await previous.create_index(keys, **options)
        current = DeliveriesStore(db)
        await current.ensure_indexes()

        async def insert_previous(n: int) -> None:
            await previous.insert_many(chunk_of(deliveries, community, day=f"d{n}"), ordered=False)

        async def insert_current(n: int) -> None:
            await current.deliveries.insert_many(chunk_of(deliveries, community, day=f"d{n}"), ordered=False)

        await server_ms_per_member("insert_deliveries_7_indexes_ms", insert_previous)
        await server_ms_per_member("insert_deliveries_5_indexes_ms", insert_current)

        store = DecisionsStore(db)
        await store.ensure_indexes()
        outbox = db["event_outbox"]
        bare = db["decisions_bare"]

        async def in_transaction(n: int) -> None:
            entries = [{"events": [{"n": k} for k in range(250)]} for _ in range(4)]
            async with client.start_session(causal_consistency=False) as session:

                async def write(s: Any) -> None:
                    await store.decisions.insert_many(chunk_of(decisions, community), ordered=False, session=s)
                    await outbox.insert_many(entries, session=s)

                await session.with_transaction(write)

        async def alone(n: int) -> None:
            await store.decisions.insert_many(chunk_of(decisions, community), ordered=False)

        async def unindexed(n: int) -> None:
            await bare.insert_many(chunk_of(decisions, community), ordered=False)

        async def unindexed_without_arrays(n: int) -> None:
            empty = {"candidate_ids": b"", "features": b"", "scores": b""}
            await bare.insert_many(chunk_of(decisions, community, **empty), ordered=False)

        await server_ms_per_member("insert_decisions_and_outbox_transaction_ms", in_transaction)
        await server_ms_per_member("insert_decisions_ms", alone)
        at_only = db["decisions_community_at_only"]
        await at_only.create_index([("community_id", ASCENDING), ("at", ASCENDING)])

        async def community_at_only(n: int) -> None:
            await at_only.insert_many(chunk_of(decisions, community), ordered=False)

        await server_ms_per_member("insert_decisions_community_at_only_ms", community_at_only)
        await server_ms_per_member("insert_decisions_no_secondary_indexes_ms", unindexed)
        await server_ms_per_member("insert_decisions_no_indexes_no_arrays_ms", unindexed_without_arrays)

        members = [ObjectId() for _ in range(CHUNK)]
        preferences = db["members_in_scratch"]
        await preferences.insert_many([{"community_id": community, "member_id": m} for m in members])
        await preferences.create_index([("community_id", ASCENDING), ("member_id", ASCENDING)], unique=True)

        async def one_in(n: int) -> None:
            await preferences.find({"community_id": community, "member_id": {"$in": members}}).to_list()

        async def four_ins(n: int) -> None:
            for lo in range(0, CHUNK, 50):
                await preferences.find(
                    {"community_id": community, "member_id": {"$in": members[lo : lo + 50]}}
                ).to_list()

        await server_ms_per_member("find_in_200_finding_200_ms", one_in)
        await server_ms_per_member("find_in_4x50_finding_200_ms", four_ins)

        # The members' member_recent read: `_id` `$in` (ids naming the community), one read of 200 against
        # READ_BATCH-sized reads (store/member_recent.py).
        recent = db["member_recent_scratch"]
        recent_keys = [f"{community}:{m}" for m in members]
        await recent.insert_many([{"_id": k, "events": [{"n": n} for n in range(5)]} for k in recent_keys])

        async def recent_one_in(n: int) -> None:
            await recent.find({"_id": {"$in": recent_keys}}).to_list()

        async def recent_batched(n: int) -> None:
            async for _ in find_in(recent, {}, "_id", recent_keys, chunk=READ_BATCH):
                pass

        await server_ms_per_member("member_recent_id_in_200_ms", recent_one_in)
        await server_ms_per_member("member_recent_id_in_batches_ms", recent_batched)

        now = datetime.now(UTC)
        history: list[Doc] = [
            {
                "community_id": community,
                "member_id": m,
                "slot": slot,
                "day": f"history-{d}",
                "items": [],
                "created_at": now - timedelta(days=d, hours=hours),
                "opened_at": None,
                "shared_at": None,
            }
            for d in range(history_days)
            for slot, hours in (("MORNING", 13), ("NOON", 8), ("EVENING", 1))
            for m in members
        ]
        for lo in range(0, len(history), 5000):
            await current.deliveries.insert_many(history[lo : lo + 5000], ordered=False)
        figures["cap_history_deliveries"] = len(history)

        async def cap_by_member(n: int) -> None:
            await current.count_deliveries_by_member_since(community, members, now - timedelta(days=1))

        async def cap_by_range(n: int) -> None:
            await RecentDeliveries(current).counts(community, [str(m) for m in members], now=now)

        await server_ms_per_member("cap_count_by_member_in_ms", cap_by_member)
        await server_ms_per_member("cap_count_last_day_read_ms", cap_by_range)
    finally:
        await client.drop_database(db.name)
        await client.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--history-days", type=int, default=30)
    args = parser.parse_args()
    server = EmbeddedServer(":memory:")
    server.start()
    try:
        pid = server.process.pid if server.process else None
        figures = asyncio.run(measure(server.uri, pid, args.repeats, args.history_days))
    finally:
        server.stop()
    for key, value in figures.items():
        print(f"{key:45} {value}")
    print_summary(figures)


if __name__ == "__main__":
    main()
