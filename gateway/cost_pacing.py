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
for the step's own context (infra/call_gate.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Iterator
from contextvars import ContextVar

from infra.call_gate import call_gate

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
        """One service call of a heavy operation: its turn, then a pause if cheap work ran or arrived meanwhile."""
        async with self._turn:
            started_cheap = self.cheap_started
            started = time.perf_counter()
            inner = call_gate.set(None)  # the call's own calls and tasks pass straight through
            try:
                yield
            finally:
                call_gate.reset(inner)
            elapsed = time.perf_counter() - started
            self.steps += 1
            if self.cheap_running or self.cheap_started != started_cheap:
                pause = self.pause_after(elapsed)
                self.pauses += 1
                self.paused_seconds += pause
                await asyncio.sleep(pause)
