"""Pacing of heavy operations: while cheap requests are about, a heavy operation runs at a bounded share of the time.

The gateway and the database share a core; a maximum-cost operation (twenty-odd ranked pages of a hundred items)
keeps both busy for most of a second, and graphql-core starts all its aliased fields and loader batches at once.
Short requests then wait behind its work on the event loop and behind the database's work for it at OS level.

As an operating system favours interactive work, the cost lane paces the heavy operation by its service calls,
which drive both its own work on the loop and the database's. Each call it makes (a ranked page, a batch of content
lookups, a member read) is a step. Steps take turns one at a time per process, and a step that took `t` seconds is
followed by a pause of `t * (1 - share) / share` before the next one starts, when a cheap operation ran or arrived
during the step (QUERY_COST_LANE_SHARE: `share`). So while cheap work is about, heavy steps hold at most `share` of
the time, and they are guaranteed that much: a heavy operation is slowed, never starved. With no cheap work about
it runs without pauses. The result building that follows a step runs during its pause, beside the cheap requests.

What runs inside a step (an in-process service's own calls, tasks it starts) passes through: the gate is cleared
for the step's own context (infra/call_gate.py). A call may end its step early (`step_turn`): a ranked page whose
decision waits to be written with the operation's other pages hands the turn on, so that the next page is ranked
meanwhile and the pages' decisions go to the database in one write.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Iterator
from contextvars import ContextVar

from infra.call_gate import call_gate, step_turn

# Set for the context of an operation executing in the lane as heavy (measurement and tests read it).
heavy_operation: ContextVar[bool] = ContextVar("heavy_operation", default=False)


class Pacer:
    """One per cost lane: counts cheap operations, and paces the steps of heavy ones against them."""

    def __init__(self, share: float) -> None:
        if not 0 < share <= 1:
            raise ValueError("the heavy share is a fraction in (0, 1]")
        self.share = share
        self._turn = asyncio.Lock()
        # Cheap operations executing now, and how many ever started: a step that saw either paused after.
        self.cheap_running = 0
        self.cheap_started = 0
        # Steps taken, how many were followed by a pause, and the pauses' seconds (/metrics and tests read them).
        self.steps = 0
        self.pauses = 0
        self.paused_seconds = 0.0
        # Steps waiting for their turn now (what a call handed the turn by `step_turn` reads).
        self.queued = 0

    @property
    def enabled(self) -> bool:
        return self.share < 1

    def pause_after(self, elapsed: float) -> float:
        """The pause after a step of `elapsed` seconds that met cheap work: the step then held `share` of the time."""
        return elapsed * (1 - self.share) / self.share

    @contextlib.contextmanager
    def cheap(self) -> Iterator[None]:
        """Around a cheap operation's execution."""
        self.cheap_started += 1
        self.cheap_running += 1
        try:
            yield
        finally:
            self.cheap_running -= 1

    @contextlib.contextmanager
    def heavy(self) -> Iterator[None]:
        """Around a heavy operation's execution: its service calls are steps."""
        marked = heavy_operation.set(True)
        gate = call_gate.set(self.step if self.enabled else None)
        try:
            yield
        finally:
            call_gate.reset(gate)
            heavy_operation.reset(marked)

    @contextlib.asynccontextmanager
    async def step(self) -> AsyncIterator[None]:
        """One service call of a heavy operation: its turn, then a pause if cheap work ran or arrived meanwhile. The
        call may hand the turn on before it returns (`_Turn.hand_on`): the step ends there."""
        self.queued += 1
        try:
            await self._turn.acquire()
        finally:
            self.queued -= 1
        turn = _Turn(self)
        inner = call_gate.set(None)  # the call's own calls and tasks pass straight through
        lent = step_turn.set(turn)
        failed = True
        try:
            yield
            failed = False
        finally:
            step_turn.reset(lent)
            call_gate.reset(inner)
            if not turn.handed_on:
                # A failed call raises at once and frees the turn (not counted, no pause).
                pause = 0.0 if failed else turn.end()
                try:
                    if pause:
                        await asyncio.sleep(pause)
                finally:
                    self._turn.release()


class _Turn:
    """A step's turn as lent to its call (infra/call_gate.py, `step_turn`)."""

    def __init__(self, pacer: Pacer) -> None:
        self.pacer = pacer
        self.started = time.perf_counter()
        self.started_cheap = pacer.cheap_started
        self.handed_on = False

    def calls_queued(self) -> int:
        return self.pacer.queued

    def end(self) -> float:
        """The step is over: counted, and the pause it is owed (0 when it met no cheap work)."""
        pacer = self.pacer
        elapsed = time.perf_counter() - self.started
        pacer.steps += 1
        if not pacer.cheap_running and pacer.cheap_started == self.started_cheap:
            return 0.0
        pause = pacer.pause_after(elapsed)
        pacer.pauses += 1
        pacer.paused_seconds += pause
        return pause

    def hand_on(self) -> None:
        """The step ends now; the next call takes its turn once the pause is over. Once only."""
        if self.handed_on:
            return
        self.handed_on = True
        pause = self.end()
        if pause:
            asyncio.get_running_loop().call_later(pause, self.pacer._turn.release)  # noqa: SLF001 - its own pacer
        else:
            self.pacer._turn.release()  # noqa: SLF001
