"""The cost lane: operations whose static cost reaches a threshold run at most `slots` at a time per process.

A maximum-cost operation (thirty ranked pages) costs the process seconds of CPU and the database thousands of
writes; several at once would take the core from every short request. Operations at or over `threshold` points
(QUERY_COST_LANE_THRESHOLD) wait here for one of `slots` places (QUERY_COST_LANE_SLOTS) before they execute;
cheaper ones never wait. The wait is in arrival order (asyncio.Semaphore), and a refused operation never enters.
While it executes, a heavy operation is paced against the cheap ones (gateway/cost_pacing.py, QUERY_COST_LANE_SHARE).
With HEAVY_LANE_PROCESS on, heavy queries are answered by a child process at a lower priority instead, once it is
ready (gateway/heavy_lane.py: `process`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gateway.cost_pacing import Pacer

if TYPE_CHECKING:
    from gateway.heavy_lane import HeavyLane


@dataclass(frozen=True)
class LanePolicy:
    threshold: int
    # Places in the lane; 0 turns the lane off (every operation runs at once, as without it).
    slots: int
    # The share of the time a heavy operation's steps hold while cheap operations are about; 1: not paced.
    share: float = 1.0


class CostLane:
    """One per gateway process (per schema): heavy operations queue here, the rest pass."""

    def __init__(self, policy: LanePolicy) -> None:
        self.policy = policy
        self._places = asyncio.Semaphore(policy.slots) if policy.slots > 0 else None
        self.pacer = Pacer(policy.share)
        self.waiting = 0
        self.running = 0
        # The most heavy operations that ever ran at once here: at most `slots` (what /metrics and tests read).
        self.peak = 0
        # The heavy lane's child process (HEAVY_LANE_PROCESS), set by the gateway app; None: heavy ones run here.
        self.process: HeavyLane | None = None

    def is_heavy(self, cost: int) -> bool:
        return self._places is not None and cost >= self.policy.threshold

    def sends_away(self, cost: int, *, query: bool) -> bool:
        """Whether this operation is answered by the heavy lane's child: a heavy query while the child is ready."""
        return query and self.is_heavy(cost) and self.process is not None and self.process.ready

    @contextlib.asynccontextmanager
    async def admitted(self, cost: int) -> AsyncIterator[None]:
        """Hold a place for the operation's execution when it is heavy (and pace it); otherwise count it as cheap."""
        if self._places is None or not self.is_heavy(cost):
            with self.pacer.cheap():
                yield
            return
        self.waiting += 1
        try:
            await self._places.acquire()
        finally:
            self.waiting -= 1
        self.running += 1
        self.peak = max(self.peak, self.running)
        try:
            with self.pacer.heavy():
                yield
        finally:
            self.running -= 1
            self._places.release()


def lane_for(threshold: int, slots: int, share: float = 1.0) -> CostLane:
    return CostLane(LanePolicy(threshold=threshold, slots=slots, share=share))
