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

A heavy operation's pages (the gateway's cost lane paces its service calls one at a time: gateway/cost_pacing.py)
would each write alone. A feed made in such a call hands the call's turn on as it queues its decision
(infra/call_gate.py, `step_turn`), and a write whose decisions all came so waits, STEP_HOLD_SECONDS at most, while
more of those calls are queued for their turn: the next page is ranked meanwhile, and the operation's pages go in
one write (a maximum-cost query's 23: one transaction instead of 23). The pages then answer one at a time, a turn
of the loop apart, as they would have. A decision of any other caller in the queue ends the wait.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from distribution_service.store import DistributionStore, Doc
from infra.call_gate import StepTurn, step_turn

# Impressions per outbox entry (the ingest worker counts them; store/event_outbox.py).
IMPRESSIONS_PER_WRITE = 250
# A group stops growing at this many decisions (a slot run's chunk, larger, goes alone).
MAX_GROUP_DECISIONS = 256
# The longest a write waits for the decisions still coming (a feed's reads and ranking take a few ms under load).
HOLD_SECONDS = 0.005
# The longest a write of paced calls' decisions waits for the calls still queued (a maximum-cost query's pages are
# ranked one after the other, each followed by its pause: ~0.2-0.5 s in all), and how often it looks again.
STEP_HOLD_SECONDS = 2.0
STEP_POLL_SECONDS = 0.005


@dataclass
class _Pending:
    decisions: list[Doc]
    impressions: list[Doc]
    done: asyncio.Future[None]
    # The paced call this decision was made in, whose turn it handed on (None: any other caller).
    turn: StepTurn | None = None


class DecisionWriter:
    """One write in flight per process; the decisions that arrive meanwhile go together in the next one."""

    def __init__(
        self,
        store: DistributionStore,
        *,
        max_group: int = MAX_GROUP_DECISIONS,
        hold_seconds: float = HOLD_SECONDS,
        step_hold_seconds: float = STEP_HOLD_SECONDS,
    ) -> None:
        self.store = store
        self.max_group = max_group
        self.hold_seconds = hold_seconds
        self.step_hold_seconds = step_hold_seconds
        self._queue: list[_Pending] = []
        self._running: asyncio.Task[None] | None = None
        # Decisions being made now that will be written here, and what a held write waits on for them.
        self._coming = 0
        self._arrival: asyncio.Future[None] | None = None
        # Commands sent and decisions written (tests and benchmarks read how far groups formed).
        self.writes = 0
        self.decisions = 0

    async def write(self, decisions: list[Doc], impressions: list[Doc], *, join_paced: bool = False) -> None:
        """Store these decisions and impressions (with whatever else is waiting); return once they are stored.
        A cancelled caller does not take its decision out: it is written with the group all the same. `join_paced`
        (a feed's decision): made in a paced call, it hands the call's turn on and waits for the caller's next
        calls' decisions (the module's docstring)."""
        if not decisions and not impressions:
            return
        turn = step_turn.get() if join_paced else None
        loop = asyncio.get_running_loop()
        running = self._running
        if running is not None and (running.done() or running.get_loop() is not loop):
            # A drain left by a loop that has closed (a process's services restarted): its waiters went with it.
            self._queue = [p for p in self._queue if p.done.get_loop() is loop]
            running = self._running = None
        done: asyncio.Future[None] = loop.create_future()
        self._queue.append(_Pending(decisions, impressions, done, turn))
        if turn is not None:
            turn.hand_on()
        self._wake()
        if running is None:
            self._running = asyncio.create_task(self._drain())
        await asyncio.shield(done)

    def _wake(self) -> None:
        arrival = self._arrival
        if arrival is not None and not arrival.done() and not arrival.get_loop().is_closed():
            arrival.set_result(None)

    @contextmanager
    def coming(self, decisions: int) -> Iterator[None]:
        """Around the making of `decisions` that will be written here next: a write about to leave waits for them
        (HOLD_SECONDS at most). Leave it before calling `write` (no await between), so they are queued by then."""
        self._coming += decisions
        try:
            yield
        finally:
            self._coming -= decisions
            self._wake()

    def _paced_calls_pending(self) -> bool:
        """Every decision waiting came from a paced call, and more of those calls are queued for their turn or one
        is being decided."""
        turns = [p.turn for p in self._queue]
        if not turns or any(t is None for t in turns):
            return False
        return self._coming > 0 or any(t.calls_queued() > 0 for t in turns if t is not None)

    async def _hold(self) -> None:
        """Wait while decisions are coming (HOLD_SECONDS at most) or, for a group of paced calls' decisions, while
        more of those calls are pending (STEP_HOLD_SECONDS at most), and the group has room."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        while sum(len(p.decisions) for p in self._queue) < self.max_group:
            paced = self._paced_calls_pending()
            if paced:
                remaining = started + self.step_hold_seconds - loop.time()
            elif self._coming > 0:
                remaining = started + self.hold_seconds - loop.time()
            else:
                return
            if remaining <= 0:
                return
            self._arrival = loop.create_future()
            try:
                # Paced calls may leave the queue without a decision (another kind of call): looked at again soon.
                await asyncio.wait_for(self._arrival, min(remaining, STEP_POLL_SECONDS) if paced else remaining)
            except TimeoutError:
                if not paced:
                    return
            finally:
                self._arrival = None

    async def _drain(self) -> None:
        try:
            while self._queue:
                if self._coming > 0 or self._paced_calls_pending():
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
        for n, p in enumerate(group):
            if not p.done.done():
                p.done.set_result(None)
                if n + 1 < len(group) and p.turn is not None:
                    # A paced operation's pages answer a turn of the loop apart, as their steps did: not all at once.
                    await asyncio.sleep(0)


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
