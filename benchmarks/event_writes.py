"""What storing recorded events costs the database, and concurrent recorders with and without group commit.

    python -m benchmarks.event_writes [--seconds 10] [--rounds 3] [--sequential-only]

On a fresh embedded SecantusDB (in memory), with the distribution store's indexes:

- `sequential`: the server's CPU milliseconds per operation, one connection, operations one at a time (from /proc,
  so only the database server's work): `EventsStore.insert_events` of 1 and of 100 events (transaction, outbox
  entry, journal barrier; `keyed`: each event with a client id, so a key document each), `insert_one` /
  `insert_many` of 100 into `events` (its indexes) and into an unindexed collection, the journal barrier alone, a
  transaction around one `insert_one`; and `derive_take_ms`: the ingest
  worker's take of TAKE_BATCHES batches of 100 events (each batch on the same 100 items of one member, as
  `benchmarks.hot_path --events-only` records them; about its takes' size there), mean of DERIVE_ROUNDS takes (the
  server's CPU counter ticks in 10 ms), the batches stored before each take is timed;
- `concurrent`: eight recorders each storing 100-event batches through `insert_events` for --seconds, the ingest
  worker running, `grouped` (this code: concurrent recorders share a transaction, store/grouped_writes.py) and
  `ungrouped` (each batch its own transaction, as before) alternating --rounds times: events/s, latency p50/p99 and
  the database commands that failed, by command and code (a `NoSuchTransaction` is a transaction the server reaped).

Wall-clock figures move with the machine's load; the failed commands are the point of the second part. Prints one
JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from bson import ObjectId
from pymongo import AsyncMongoClient, WriteConcern, monitoring

from benchmarks.common import print_summary
from benchmarks.gateway_harness import cpu_seconds
from benchmarks.write_baselines import event_doc
from distribution_service.service.ingest_worker import IngestWorker
from distribution_service.store import DistributionStore, Doc
from infra.embedded import EmbeddedServer
from infra.mongo import open_database

RECORDERS = 8
BATCH = 100
# A derive take's batches, and how many takes `derive_take_ms` is the median of.
TAKE_BATCHES = 7
DERIVE_ROUNDS = 30


class FailedCommands(monitoring.CommandListener):
    def __init__(self) -> None:
        self.counts: collections.Counter[str] = collections.Counter()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        return None

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        return None

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        failure = event.failure if isinstance(event.failure, dict) else {}
        if event.command_name != "listIndexes":  # a collection not created yet, at set-up
            self.counts[f"{event.command_name}:{failure.get('codeName', '?')}"] += 1


class Events:
    """Events of one community. By default one member's on the same BATCH items, no client id (`hot_path
    --events-only`'s); `members`, `items` and `keyed` (`events_many_members`' mix): each batch the next member's,
    on the next items of the pool in turn, each event with a client id."""

    def __init__(self, *, members: int = 1, items: int = BATCH, keyed: bool = False) -> None:
        self.community = ObjectId()
        self.members = [ObjectId() for _ in range(members)]
        self.member = self.members[0]
        self.items = [ObjectId() for _ in range(items)]
        self.keyed = keyed
        self._batches = 0
        self._next_item = 0

    def batch(self, n: int, *, keyed: bool = False) -> list[Doc]:
        """`n` events; `keyed` (or the instance's): each with a fresh client event id (a key document each:
        store/event_keys.py)."""
        member = self.members[self._batches % len(self.members)]
        self._batches += 1
        if len(self.members) == 1:
            picked = [self.items[k % len(self.items)] for k in range(n)]
        else:
            picked = [self.items[(self._next_item + k) % len(self.items)] for k in range(n)]
            self._next_item += n
        return [event_doc(self.community, member, item, keyed=keyed or self.keyed) for item in picked]


async def sequential(server_pid: int, store: DistributionStore, events: Events) -> dict[str, float]:
    def cpu() -> float:
        return cpu_seconds(server_pid)

    async def per_op(operation: Callable[[], Awaitable[Any]], count: int) -> float:
        await operation()
        started = cpu()
        for _ in range(count):
            await operation()
        return round(1000 * (cpu() - started) / count, 2)

    db = store.events.events.database
    indexed, plain = db["events"], db.get_collection("plain_events", write_concern=WriteConcern(w=1))
    client = db.client

    async def transaction_one() -> None:
        async with client.start_session() as session:
            await session.with_transaction(lambda s: plain.insert_one(events.batch(1)[0], session=s))

    async def derive_take_ms() -> float:
        worker = IngestWorker(store, interval=0)
        await worker.drain()
        spent = 0.0
        for _ in range(DERIVE_ROUNDS):
            for _ in range(TAKE_BATCHES):
                await store.events.insert_events(events.batch(BATCH))
            started = cpu()
            await worker.drain()
            spent += cpu() - started
        return round(1000 * spent / DERIVE_ROUNDS, 2)

    return {
        "derive_take_ms": await derive_take_ms(),
        "insert_events_1_ms": await per_op(lambda: store.events.insert_events(events.batch(1)), 300),
        "insert_events_100_ms": await per_op(lambda: store.events.insert_events(events.batch(BATCH)), 30),
        "insert_events_100_keyed_ms": await per_op(
            lambda: store.events.insert_events(events.batch(BATCH, keyed=True)), 30
        ),
        "insert_one_indexed_ms": await per_op(lambda: indexed.insert_one(events.batch(1)[0]), 300),
        "insert_one_unindexed_ms": await per_op(lambda: plain.insert_one(events.batch(1)[0]), 300),
        "insert_many100_indexed_ms": await per_op(lambda: indexed.insert_many(events.batch(BATCH)), 30),
        "insert_many100_unindexed_ms": await per_op(lambda: plain.insert_many(events.batch(BATCH)), 30),
        "journal_barrier_ms": await per_op(store.events.barrier.wait, 300),
        "transaction_insert_one_ms": await per_op(transaction_one, 300),
    }


async def concurrent(
    store: DistributionStore, events: Events, failed: FailedCommands, seconds: float, *, grouped: bool
) -> dict[str, Any]:
    """RECORDERS recorders of BATCH-event batches for `seconds`, the worker running; `grouped=False`: each batch in
    its own transaction (GroupedWrites bypassed)."""
    real = store.events.grouped.write

    async def alone(docs: Sequence[Doc]) -> None:
        await store.events._store_batch(list(docs))  # noqa: SLF001 - the path before group commit

    store.events.grouped.write = real if grouped else alone  # type: ignore[method-assign]
    failed.counts.clear()
    worker = IngestWorker(store, interval=0.5)
    worker.start()
    latencies: list[float] = []
    stop = time.monotonic() + seconds

    async def recorder() -> None:
        while time.monotonic() < stop:
            started = time.perf_counter()
            await store.events.insert_events(events.batch(BATCH))
            worker.wake()
            latencies.append(time.perf_counter() - started)

    try:
        await asyncio.gather(*(recorder() for _ in range(RECORDERS)))
    finally:
        await worker.stop()
        store.events.grouped.write = real  # type: ignore[method-assign]
    await IngestWorker(store, interval=0).drain()
    latencies.sort()
    return {
        "events_per_s": round(len(latencies) * BATCH / seconds),
        "p50_ms": round(1000 * latencies[len(latencies) // 2]),
        "p99_ms": round(1000 * latencies[int(len(latencies) * 0.99)]),
        "failed_commands": dict(failed.counts),
    }


async def run(seconds: float, rounds: int, *, sequential_only: bool = False) -> dict[str, Any]:
    server = EmbeddedServer(":memory:")
    server.start()
    try:
        assert server.process is not None
        failed = FailedCommands()
        client: AsyncMongoClient[Doc] = AsyncMongoClient(
            server.uri, tz_aware=True, retryWrites=False, event_listeners=[failed]
        )
        store = DistributionStore(open_database(client, "bench_distribution", journaled=True))
        await store.ensure_indexes()
        events = Events()
        figures: dict[str, Any] = {"sequential": await sequential(server.process.pid, store, events)}
        runs: dict[str, list[dict[str, Any]]] = {"grouped": [], "ungrouped": []}
        for _ in range(0 if sequential_only else rounds):
            for mode in ("ungrouped", "grouped"):
                runs[mode].append(await concurrent(store, events, failed, seconds, grouped=mode == "grouped"))
        figures["concurrent"] = runs
        await client.close()
        return figures
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sequential-only", action="store_true", help="only the per-operation server CPU figures")
    args = parser.parse_args()
    print_summary(asyncio.run(run(args.seconds, args.rounds, sequential_only=args.sequential_only)))


if __name__ == "__main__":
    main()
