"""A background loop that works while there is work, then sleeps until notified or its interval passes.

The outbox relay and the webhook worker share it: each step reports whether it did anything; a step that did is
followed at once by the next (a backlog drains without waiting a tick), and one that did not parks the loop until
`notify()` (a write queued something) or `interval` seconds. A failing step is logged and the loop lives on: a
database hiccup must not end a worker for good.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from infra.logging import get_logger
from infra.tasks import cancel_and_wait

log = get_logger(__name__)

Step = Callable[[], Awaitable[bool]]


class PollingLoop:
    """Runs `step` (True: it did work) until it finds nothing, then waits for `notify` or `interval` seconds."""

    def __init__(self, step: Step, *, interval: float, name: str) -> None:
        self.step = step
        self.interval = interval
        self.name = name
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    def notify(self) -> None:
        """Something was queued: step soon rather than at the next tick."""
        self._wake.set()

    async def run_forever(self) -> None:
        while True:
            try:
                worked = await self.step()
            except Exception as exc:  # noqa: BLE001 - the loop must outlive a database hiccup
                log.error(f"{self.name.replace('-', '_')}_error", exc_info=exc)
                worked = False
            if worked:
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.interval)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self.run_forever(), name=self.name)

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None
