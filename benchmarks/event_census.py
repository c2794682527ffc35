"""The database's work per recorded event: the commands the platform sends and the server CPU they cost.

    python -m benchmarks.event_census [--rounds 20] [--seconds 8] [--profile] [--members 1 --items 100 --keyed]
        [--histories]

On a fresh embedded SecantusDB (in memory, as `benchmarks.hot_path` runs it), with the distribution store's indexes
and the benchmark's events (`benchmarks.write_baselines.event_doc`: by default one member, 100 items, no client id, as
`hot_path --events-only` sends them; `--members 200 --items 300 --keyed` as `events_many_members` does: each batch
the next member's, on the next items in turn, a client id on every event; `--histories`: each member's
`member_recent` document holds its RECENT_KEPT entries before the parts, as an active member's does):

- `batches`: `EventsStore.insert_events` of 100 events, one at a time, TAKE_BATCHES of them then the ingest worker's
  drain (about its takes' size under `hot_path --events-only`), --rounds times: per request the commands sent (by
  command and collection, with their documents) and the server's CPU of storing and of deriving;
- `singles`: RECORDERS concurrent recorders of one event each for --seconds, the worker running at its default
  interval (what `recordEvent` at 8 connections asks of the store): per event the same, and the callers a group
  commit held (store/grouped_writes.py).

With --profile, py-spy samples the server (`--nonblocking -r 250`) through each part and the busy samples are split
by the command the server was running (its handler: `_insert`, `_update`, ...; request decoding and reply encoding
apart; waiting for a request is left out), each share also as CPU milliseconds per request; and this process too,
its busy samples split by the store's part they ran in (CLIENT_PARTS: the request's write, the worker's outbox read,
item_stats, member_recent, ...; a socket send apart: py-spy samples wall time, and a send can wait while the woken
server runs on the same core), each share as this process's CPU milliseconds per request (an estimate). The client runs
unpinned beside the server, so the figures are the server's CPU, not a rate; `client_cpu_ms_per_request` is this
process's (the store's and the worker's PyMongo side: what the gateway process spends on them). Prints one JSON
line.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from pymongo import AsyncMongoClient, monitoring

from benchmarks.common import print_summary
from benchmarks.event_writes import BATCH, RECORDERS, TAKE_BATCHES, Events
from benchmarks.gateway_harness import cpu_seconds
from distribution_service.service import INGEST_INTERVAL_SECONDS
from distribution_service.service.ingest_worker import IngestWorker
from distribution_service.store import DistributionStore, Doc
from infra.embedded import EmbeddedServer
from infra.mongo import open_database

# The lists a command carries its documents in.
DOCUMENT_LISTS = ("documents", "updates", "deletes", "ops")
# Server frames that only lead to the command's own handler.
PASS_THROUGH = {"dispatch", "_run_txn_statement", "_retry_write_conflicts.<locals>.wrapper"}
# The client's parts (--profile): a sample goes to the first of these its stack holds, outermost first; the worker's
# parts before the request's, as the worker's derive runs inside no request.
CLIENT_PARTS = (
    ("keys read after a refusal", "EventKeysStore.stored"),
    ("worker: outbox read", "EventOutboxStore.list_through"),
    ("worker: delivery marks", "IngestWorker._mark_deliveries"),
    ("worker: outbox take", "EventOutboxStore.take_through"),
    ("worker: item_stats", "ItemCountersStore.add"),
    ("worker: member_recent", "MemberRecentStore.push"),
    ("worker: community_activity", "CommunityActivityStore.touch"),
    ("worker: transaction and commit", "IngestWorker.derive"),
    ("worker: other", "IngestWorker.drain"),
    ("request: journal barrier", "JournalBarrier.wait"),
    ("request: write (keys, events, outbox entry) and commit", "EventsStore._transact"),
    ("request: other", "EventsStore.insert_events"),
)
# Frames of a client blocked in a socket send (the server, woken on the same core, may run meanwhile): apart.
SENDING = "_SelectorSocketTransport.write"


def process_cpu_clock(pid: int) -> int:
    """Linux's CPU-time clock of another process (every thread; nanoseconds, unlike /proc's 10 ms ticks):
    MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED), read with `time.clock_gettime`."""
    return ((~pid) << 3) | 2


class Census(monitoring.CommandListener):
    """Commands sent while `on`, by command and collection, the documents they carried and the server's CPU from
    each command's start to its reply (meaningful while commands go one at a time: the `batches` part)."""

    def __init__(self, server_pid: int) -> None:
        self.on = False
        self.clock = process_cpu_clock(server_pid)
        self.commands: collections.Counter[str] = collections.Counter()
        self.documents: collections.Counter[str] = collections.Counter()
        self.server_cpu: collections.defaultdict[str, float] = collections.defaultdict(float)
        self._started: dict[int, tuple[str, float]] = {}

    def clear(self) -> None:
        self.commands.clear()
        self.documents.clear()
        self.server_cpu.clear()
        self._started.clear()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if not self.on:
            return
        command = event.command
        target = command.get(event.command_name)
        if event.command_name == "bulkWrite":
            target = "+".join(sorted({ns["ns"].partition(".")[2] for ns in command.get("nsInfo", [])}))
        kind = f"{event.command_name} {target if isinstance(target, str) else ''}".strip()
        self.commands[kind] += 1
        self.documents[kind] += sum(len(command[field]) for field in DOCUMENT_LISTS if field in command)
        self._started[event.request_id] = (kind, time.clock_gettime(self.clock))

    def _ended(self, request_id: int) -> None:
        begun = self._started.pop(request_id, None)
        if begun is not None:
            self.server_cpu[begun[0]] += time.clock_gettime(self.clock) - begun[1]

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        self._ended(event.request_id)

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self._ended(event.request_id)

    def per(self, requests: int) -> dict[str, dict[str, float]]:
        return {
            kind: {
                "commands": round(n / requests, 3),
                "documents": round(self.documents[kind] / requests, 3),
                "server_cpu_ms": round(1000 * self.server_cpu[kind] / requests, 3),
            }
            for kind, n in self.commands.most_common()
        }


class Sampler:
    """py-spy on the server through one part (a no-op without --profile); `classify`: raw stacks → samples per
    part (the server's command handlers by default)."""

    def __init__(
        self,
        pid: int,
        enabled: bool,
        scratch: Path,
        classify: Callable[[str], collections.Counter[str]] | None = None,
    ) -> None:
        self.pid, self.enabled, self.scratch = pid, enabled, scratch
        self.classify = classify or busy_by_handler
        self.process: subprocess.Popen[bytes] | None = None
        self.path = scratch / "none.txt"

    def start(self, name: str) -> None:
        if not self.enabled:
            return
        self.path = self.scratch / f"{name}-{self.pid}.txt"
        command = ["py-spy", "record", "-p", str(self.pid), "--nonblocking", "-r", "250", "-f", "raw"]
        self.process = subprocess.Popen(
            [*command, "-o", str(self.path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(1.5)  # attached before the part starts

    def shares(self, cpu_ms_per_request: float) -> dict[str, Any] | None:
        """The busy samples by part (the handler the server ran), as shares and as CPU ms per request."""
        if self.process is None:
            return None
        self.process.send_signal(2)
        self.process.wait()
        self.process = None
        by_handler = self.classify(self.path.read_text())
        busy = sum(by_handler.values()) or 1
        return {
            handler: {"share": round(n / busy, 3), "cpu_ms": round(cpu_ms_per_request * n / busy, 3)}
            for handler, n in by_handler.most_common(12)
        }


def busy_by_handler(raw: str) -> collections.Counter[str]:
    """py-spy raw stacks → samples per handler (the first frame past the dispatcher) of the server's connection
    threads, leaving out a thread waiting for its next request."""
    counts: collections.Counter[str] = collections.Counter()
    for line in raw.splitlines():
        stack, _, samples = line.rpartition(" ")
        frames = [frame.split(" (")[0] for frame in stack.split(";")]
        if "SecantusDBServer._handle_client" not in frames:
            counts["(other threads)"] += int(samples)
            continue
        below = frames[frames.index("SecantusDBServer._handle_client") + 1 :]
        if not below or below[0] in ("read_message", "SecantusDBServer._stream_awaitable_hello"):
            if len(below) > 1 and below[1] == "_parse_op_msg":
                counts["(request decoding)"] += int(samples)
            continue  # waiting for a request
        if below[0] == "build_op_msg_reply":
            counts["(reply encoding)"] += int(samples)
            continue
        handler = next((f for f in below if f not in PASS_THROUGH), below[-1])
        counts[handler] += int(samples)
    return counts


def client_by_part(raw: str) -> collections.Counter[str]:
    """py-spy raw stacks of this process → busy samples per CLIENT_PARTS part (a socket send apart), leaving out
    the event loop waiting for I/O."""
    counts: collections.Counter[str] = collections.Counter()
    for line in raw.splitlines():
        stack, _, samples = line.rpartition(" ")
        frames = [frame.split(" (")[0] for frame in stack.split(";")]
        if "EpollSelector.select" in frames or "BaseEventLoop.run_until_complete" not in frames:
            continue  # waiting, or not the event loop's thread (py-spy's own)
        if SENDING in frames:
            counts["(socket send)"] += int(samples)
            continue
        held = set(frames)
        counts[next((name for name, frame in CLIENT_PARTS if frame in held), "(other)")] += int(samples)
    return counts


async def part(
    name: str,
    pid: int,
    census: Census,
    samplers: tuple[Sampler, Sampler],
    work: Callable[[], Awaitable[tuple[int, float]]],
) -> dict[str, Any]:
    """Run `work` (→ requests, derive CPU seconds) with the census on; per request figures."""
    census.clear()
    sampler, client_sampler = samplers
    sampler.start(name)
    client_sampler.start(name)
    census.on = True
    started, client_started = cpu_seconds(pid), cpu_seconds(os.getpid())
    requests, derive = await work()
    spent = cpu_seconds(pid) - started
    client_spent = cpu_seconds(os.getpid()) - client_started
    census.on = False
    per_request = 1000 * spent / requests
    client_per_request = 1000 * client_spent / requests
    return {
        "requests": requests,
        "server_cpu_ms_per_request": round(per_request, 3),
        "client_cpu_ms_per_request": round(client_per_request, 3),
        "of_which_deriving_ms": round(1000 * derive / requests, 3) if derive else None,
        "commands_per_request": census.per(requests),
        "server_busy_by_handler": sampler.shares(per_request),
        "client_busy_by_part": client_sampler.shares(client_per_request),
    }


async def run(rounds: int, seconds: float, profile: bool, events: Events, *, histories: bool) -> dict[str, Any]:
    if profile and shutil.which("py-spy") is None:
        raise SystemExit("--profile needs py-spy")
    server = EmbeddedServer(":memory:")
    server.start()
    try:
        assert server.process is not None
        pid = server.process.pid
        census = Census(pid)
        client: AsyncMongoClient[Doc] = AsyncMongoClient(
            server.uri, tz_aware=True, retryWrites=False, event_listeners=[census]
        )
        store = DistributionStore(open_database(client, "bench_distribution", journaled=True))
        await store.ensure_indexes()
        drainer = IngestWorker(store, interval=0)
        # Warm: the collections, their first documents and the items' counters exist; with `histories`, a batch
        # of every member's, so each member's member_recent document holds RECENT_KEPT entries, as an active
        # member's does (the benchmark's members otherwise start with none, and a push into a short document costs
        # less than into a full one).
        warm_rounds = max(3, -(-len(events.members) // TAKE_BATCHES) if histories else 0)
        for _ in range(warm_rounds):
            for _ in range(TAKE_BATCHES):
                await store.events.insert_events(events.batch(BATCH))
            await drainer.drain()

        async def batches() -> tuple[int, float]:
            derive = 0.0
            for _ in range(rounds):
                for _ in range(TAKE_BATCHES):
                    await store.events.insert_events(events.batch(BATCH))
                before = cpu_seconds(pid)
                await drainer.drain()
                derive += cpu_seconds(pid) - before
            return rounds * TAKE_BATCHES, derive

        async def singles() -> tuple[int, float]:
            worker = IngestWorker(store, interval=INGEST_INTERVAL_SECONDS)
            worker.start()
            stop = time.monotonic() + seconds
            count = 0

            async def recorder() -> None:
                nonlocal count
                while time.monotonic() < stop:
                    await store.events.insert_events(events.batch(1))
                    worker.wake()
                    count += 1

            groups, callers = store.events.grouped.groups, store.events.grouped.callers
            await asyncio.gather(*(recorder() for _ in range(RECORDERS)))
            await worker.stop()
            await drainer.drain()
            made = store.events.grouped.groups - groups
            figures["singles_callers_per_group"] = round((store.events.grouped.callers - callers) / max(1, made), 2)
            return count, 0.0

        figures: dict[str, Any] = {
            "rounds": rounds,
            "seconds": seconds,
            "members": len(events.members),
            "items": len(events.items),
            "keyed": events.keyed,
            "histories": histories,
        }
        with tempfile.TemporaryDirectory() as scratch:
            samplers = (
                Sampler(pid, profile, Path(scratch)),
                Sampler(os.getpid(), profile, Path(scratch), client_by_part),
            )
            figures["batches"] = await part("batches", pid, census, samplers, batches)
            figures["singles"] = await part("singles", pid, census, samplers, singles)
        await client.close()
        return figures
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="takes of the batches part")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of the singles part")
    parser.add_argument("--profile", action="store_true", help="py-spy the server: busy samples by handler")
    parser.add_argument("--members", type=int, default=1, help="members in turn, one a batch")
    parser.add_argument("--items", type=int, default=BATCH, help="the items events are on, in turn")
    parser.add_argument("--keyed", action="store_true", help="a clientEventId on every event")
    parser.add_argument(
        "--histories", action="store_true", help="every member's member_recent document full before the parts"
    )
    args = parser.parse_args()
    events = Events(members=args.members, items=args.items, keyed=args.keyed)
    print_summary(asyncio.run(run(args.rounds, args.seconds, args.profile, events, histories=args.histories)))


if __name__ == "__main__":
    main()
