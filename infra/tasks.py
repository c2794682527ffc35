"""Stopping a background task for good.

On Python 3.11 `asyncio.wait_for` can lose a cancellation that arrives just as the awaited thing completes
(CPython gh-86296); a background loop whose sleep lost it simply runs on, and a plain `task.cancel(); await task`
then waits forever: a shutdown that never ends (seen in the test suite as a teardown hung for 15 minutes while an
outbox relay kept retrying). `cancel_and_wait` cancels again until the task has ended.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

RECANCEL_SECONDS = 1.0


async def cancel_and_wait(task: asyncio.Task[Any] | None) -> None:
    """Cancel `task` and return once it has ended, cancelling again each second while it runs on."""
    if task is None:
        return
    while not task.done():
        task.cancel()
        await asyncio.wait({task}, timeout=RECANCEL_SECONDS)
    # Retrieve the outcome, so that an error the task ended with is not reported as never retrieved.
    with contextlib.suppress(asyncio.CancelledError, Exception):
        task.result()
