"""What the ingest worker's take size costs under events from many members on many items.

    python -m benchmarks.ingest_takes [--seconds 12] [--rounds 2] [--members 200] [--items 300]

On a fresh embedded SecantusDB (in memory), eight recorders store 100-event batches through
`EventsStore.insert_events` for --seconds, each batch the next member's events on the next items in turn, a client
id on every event (`benchmarks.events_many_members`' mix), the ingest worker running in its loop; then the backlog
is drained. Per 100 recorded events: the server's CPU and this process's (the recorders' and the worker's PyMongo
side, what the gateway process spends), the worker's takes and their median events, and the median lag of its takes
(the age of a take's oldest event when derived). A take costs about one update per distinct item and member however
many events it holds, so its size decides the derivation's cost per event here, where a take's 800 events touch 300
items. Each round runs the settings in `SETTINGS` one after the other (the worker's module constants
INGEST_BATCH and MIN_RUN_GAP_SECONDS: this code's and the previous ones'). The client runs unpinned beside the
server: a CPU figure, not a rate. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Any

from pymongo import AsyncMongoClient

from benchmarks.common import print_summary
from benchmarks.event_census import process_cpu_clock
from benchmarks.event_writes import BATCH, RECORDERS, Events
from distribution_service.service import ingest_worker
from distribution_service.service.ingest_worker import IngestWorker
from distribution_service.store import DistributionStore, Doc
from infra.embedded import EmbeddedServer
from infra.mongo import open_database

# (events a take holds at most, seconds between the starts of two runs at least): this code's, and before.
SETTINGS = {"takes_of_2000_every_0.5s": (2000, 0.5), "takes_of_1000_every_0.25s": (1000, 0.25)}


async def recorded(
    store: DistributionStore, events: Events, seconds: float, name: str, server_pid: int
) -> dict[str, Any]:
    """RECORDERS recorders for `seconds` with the worker running at setting `name`; CPU per 100 events."""
    batch_size, gap = SETTINGS[name]
    ingest_worker.MIN_RUN_GAP_SECONDS = gap
    worker = IngestWorker(store, interval=0.5, batch_size=batch_size)
    takes: list[int] = []
    lags: list[float] = []
    derive = worker.derive

    async def counted(entries: list[Doc]) -> int:
        n = await derive(entries)
        takes.append(n)
        lags.append(worker.last_lag_seconds)
        return n

    worker.derive = counted  # type: ignore[method-assign]
    clock = process_cpu_clock(server_pid)
    server, client = time.clock_gettime(clock), time.process_time()
    worker.start()
    stop = time.monotonic() + seconds
    requests = 0

    async def recorder() -> None:
        nonlocal requests
        while time.monotonic() < stop:
            await store.events.insert_events(events.batch(BATCH))
            worker.wake()
            requests += 1

    await asyncio.gather(*(recorder() for _ in range(RECORDERS)))
    await worker.stop()
    await IngestWorker(store, interval=0, batch_size=batch_size).drain()
    server, client = time.clock_gettime(clock) - server, time.process_time() - client
    return {
        "events_per_s": round(requests * BATCH / seconds),
        "server_cpu_ms_per_100": round(1000 * server / requests, 2),
        "client_cpu_ms_per_100": round(1000 * client / requests, 2),
        "takes": len(takes),
        "events_per_take_median": statistics.median(takes) if takes else 0,
        "lag_p50_s": round(statistics.median(lags), 3) if lags else None,
    }


async def run(seconds: float, rounds: int, members: int, items: int) -> dict[str, Any]:
    server = EmbeddedServer(":memory:")
    server.start()
    before = ingest_worker.MIN_RUN_GAP_SECONDS
    try:
        assert server.process is not None
        pid = server.process.pid
        client: AsyncMongoClient[Doc] = AsyncMongoClient(server.uri, tz_aware=True, retryWrites=False)
        store = DistributionStore(open_database(client, "bench_distribution", journaled=True))
        await store.ensure_indexes()
        events = Events(members=members, items=items, keyed=True)
        await recorded(store, events, 3.0, next(iter(SETTINGS)), pid)  # warm: documents, counters, members' state
        figures: dict[str, Any] = {"members": members, "items": items, "seconds": seconds}
        for name in SETTINGS:
            figures[name] = []
        for _ in range(rounds):
            for name in SETTINGS:
                figures[name].append(await recorded(store, events, seconds, name, pid))
        for name in SETTINGS:
            figures[f"{name}_server_cpu_ms_per_100_median"] = statistics.median(
                r["server_cpu_ms_per_100"] for r in figures[name]
            )
            figures[f"{name}_client_cpu_ms_per_100_median"] = statistics.median(
                r["client_cpu_ms_per_100"] for r in figures[name]
            )
        await client.close()
        return figures
    finally:
        ingest_worker.MIN_RUN_GAP_SECONDS = before
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=12.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--items", type=int, default=300)
    args = parser.parse_args()
    print_summary(asyncio.run(run(args.seconds, args.rounds, args.members, args.items)))


if __name__ == "__main__":
    main()
