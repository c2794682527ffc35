"""A background task that loses a cancellation still stops: `cancel_and_wait` cancels again until it has ended."""

from __future__ import annotations

import asyncio

from infra.tasks import cancel_and_wait


async def test_a_task_that_swallows_one_cancellation_is_stopped() -> None:
    swallowed = 0

    async def loop() -> None:
        nonlocal swallowed
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                if swallowed:
                    raise
                swallowed += 1  # what a lost cancellation looks like from outside: the loop runs on

    task = asyncio.create_task(loop())
    await asyncio.sleep(0)
    await asyncio.wait_for(cancel_and_wait(task), timeout=10)
    assert task.cancelled()
    assert swallowed == 1


async def test_an_error_the_task_ended_with_is_retrieved_not_raised() -> None:
    async def fail() -> None:
        raise RuntimeError("boom")

    task = asyncio.create_task(fail())
    await asyncio.sleep(0)
    await cancel_and_wait(task)
    await cancel_and_wait(None)
    assert task.done()
