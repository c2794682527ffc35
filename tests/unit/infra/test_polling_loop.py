"""The shared worker loop: drains while there is work, sleeps until notified, outlives a failing step."""

from __future__ import annotations

import asyncio

import pytest

from infra.polling_loop import PollingLoop


class Steps:
    """A step whose outcomes are scripted; each call is announced on `calls`."""

    def __init__(self, outcomes: list[bool | Exception], then: bool = False) -> None:
        self.outcomes = outcomes
        self.then = then
        self.calls: asyncio.Queue[int] = asyncio.Queue()
        self.count = 0

    async def __call__(self) -> bool:
        self.count += 1
        self.calls.put_nowait(self.count)
        outcome = self.outcomes.pop(0) if self.outcomes else self.then
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    async def wait_for_call(self, n: int) -> None:
        async with asyncio.timeout(2):
            while await self.calls.get() < n:
                pass


async def test_drains_a_backlog_without_waiting_a_tick_then_sleeps() -> None:
    steps = Steps([True, True, True])
    loop = PollingLoop(steps, interval=3600, name="test-loop")
    loop.start()
    try:
        await steps.wait_for_call(4)  # three with work, one that found none
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.05):
                await steps.calls.get()  # asleep: the hour-long interval has not passed
        steps.outcomes.append(True)
        loop.notify()
        await steps.wait_for_call(6)  # the queued work, then one that found none
    finally:
        await loop.stop()
    assert steps.count == 6


async def test_a_failing_step_is_logged_and_the_loop_lives_on() -> None:
    steps = Steps([RuntimeError("database hiccup"), True])
    loop = PollingLoop(steps, interval=0.01, name="test-loop")
    loop.start()
    try:
        await steps.wait_for_call(3)
    finally:
        await loop.stop()
    assert loop._task is None


async def test_stop_ends_a_sleeping_loop_and_start_is_idempotent() -> None:
    steps = Steps([])
    loop = PollingLoop(steps, interval=3600, name="test-loop")
    loop.start()
    task = loop._task
    loop.start()
    assert loop._task is task
    await steps.wait_for_call(1)
    await loop.stop()
    assert task is not None
    assert task.done()
