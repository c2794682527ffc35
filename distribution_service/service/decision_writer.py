"""Decisions and their impressions written in groups (a group commit): every feed's one write, shared under load.

A feed writes its decision and its impressions' outbox entry in one transaction (DecisionsStore.insert_decisions). On
the one core the gateway and the database share, each command costs the database a few ms of CPU whatever it
holds, so concurrent feeds that finish while a write is on the wire wait for it and then go together in the next
command: one write for all of them. A write about to leave also waits, HOLD_SECONDS at most, for the feeds this process
is deciding right now (`coming`: their reads and ranking under way), whose decisions would otherwise each take a
write of their own: each transaction costs the server ~2 ms of CPU, a feed's whole ranking about half that. Alone, a
feed's write leaves at once (nothing coming, no timer, no added latency); each caller returns once its own decision
is stored, or raises the write's error. The impressions keep their contract: the
decision flagged `impressions_counted` is their record, and the group's outbox entries (one per
IMPRESSIONS_PER_WRITE impressions) are what the ingest worker counts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from distribution_service.store import DistributionStore, Doc

# Impressions per outbox entry (the ingest worker counts them; store/event_outbox.py).
IMPRESSIONS_PER_WRITE = 250
# A group stops growing at this many decisions (a slot run's chunk, larger, goes alone).
MAX_GROUP_DECISIONS = 256
# The longest a write waits for the decisions still coming (a feed's reads and ranking take a few ms under load).
HOLD_SECONDS = 0.005


@dataclass
class _Pending:
    decisions: list[Doc]
    impressions: list[Doc]
    done: asyncio.Future[None]


class DecisionWriter:
    """One write in flight per process; the decisions that arrive meanwhile go together in the next one."""

    def __init__(
        self, store: DistributionStore, *, max_group: int = MAX_GROUP_DECISIONS, hold_seconds: float = HOLD_SECONDS
    ) -> None:
        self.store = store
        self.max_group = max_group
        self.hold_seconds = hold_seconds
        self._queue: list[_Pending] = []
        self._running: asyncio.Task[None] | None = None
        # Decisions being made now that will be written here, and what a held write waits on for them.
        self._coming = 0
        self._arrival: asyncio.Future[None] | None = None
        # Commands sent and decisions written (tests and benchmarks read how far groups formed).
        self.writes = 0
        self.decisions = 0

    async def write(self, decisions: list[Doc], impressions: list[Doc]) -> None:
        """Store these decisions and impressions (with whatever else is waiting); return once they are stored.
        A cancelled caller does not take its decision out: it is written with the group all the same."""
        if not decisions and not impressions:
            return
        loop = asyncio.get_running_loop()
        running = self._running
        if running is not None and (running.done() or running.get_loop() is not loop):
            # A drain left by a loop that has closed (a process's services restarted): its waiters went with it.
            self._queue = [p for p in self._queue if p.done.get_loop() is loop]
            running = self._running = None
        done: asyncio.Future[None] = loop.create_future()
        self._queue.append(_Pending(decisions, impressions, done))
        if running is None:
            self._running = asyncio.create_task(self._drain())
        await asyncio.shield(done)

    @contextmanager
    def coming(self, decisions: int) -> Iterator[None]:
        """Around the making of `decisions` that will be written here next: a write about to leave waits for them
        (HOLD_SECONDS at most). Leave it before calling `write` (no await between), so they are queued by then."""
        self._coming += decisions
        try:
            yield
        finally:
            self._coming -= decisions
            arrival = self._arrival
            if arrival is not None and not arrival.done() and not arrival.get_loop().is_closed():
                arrival.set_result(None)

    async def _hold(self) -> None:
        """Wait while decisions are coming and the group has room, HOLD_SECONDS at most."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.hold_seconds
        while self._coming > 0 and sum(len(p.decisions) for p in self._queue) < self.max_group:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            self._arrival = loop.create_future()
            try:
                await asyncio.wait_for(self._arrival, remaining)
            except TimeoutError:
                return
            finally:
                self._arrival = None

    async def _drain(self) -> None:
        try:
            while self._queue:
                if self._coming > 0:
                    await self._hold()
                group = take_group(self._queue, self.max_group)
                del self._queue[: len(group)]
                await self._write(group)
        finally:
            self._running = None

    async def _write(self, group: list[_Pending]) -> None:
        decisions = [d for p in group for d in p.decisions]
        impressions = [d for p in group for d in p.impressions]
        entries = [
            self.store.events.impressions_insert(impressions[lo : lo + IMPRESSIONS_PER_WRITE])
            for lo in range(0, len(impressions), IMPRESSIONS_PER_WRITE)
        ]
        try:
            await self.store.decisions.insert_decisions(decisions, also=entries)
        except Exception as error:  # noqa: BLE001 - every waiter gets the write's own error
            for p in group:
                if not p.done.done():
                    p.done.set_exception(error)
                    p.done.exception()  # retrieved: a cancelled caller no longer awaits it
            return
        finally:
            self.writes += 1
        self.decisions += len(decisions)
        for p in group:
            if not p.done.done():
                p.done.set_result(None)


def take_group(queue: list[_Pending], max_group: int) -> list[_Pending]:
    """The first waiting writes, up to `max_group` decisions (the first one always, whatever its size)."""
    group: list[_Pending] = []
    size = 0
    for pending in queue:
        if group and size + len(pending.decisions) > max_group:
            break
        group.append(pending)
        size += len(pending.decisions)
    return group
