"""The gateway's worker threads run below its event loop (infra/worker_priority.py)."""

from __future__ import annotations

import asyncio
import os
import threading

from infra.worker_priority import THREAD_NAME_PREFIX, lower_worker_threads


def own_priority() -> tuple[str, int]:
    """The calling thread's name and niceness (Linux keeps one per thread)."""
    return threading.current_thread().name, os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


async def to_thread_after_lowering(nice: int) -> tuple[tuple[str, int], tuple[str, int]]:
    """(the worker thread's, the loop thread's) name and niceness after `lower_worker_threads(nice)`."""
    lower_worker_threads(nice)
    return await asyncio.to_thread(own_priority), own_priority()


def test_to_thread_work_runs_at_the_niceness_asked_for() -> None:
    started_at = own_priority()[1]
    (name, nice), (_, loop_nice) = asyncio.run(to_thread_after_lowering(7))  # a loop of its own
    assert name.startswith(THREAD_NAME_PREFIX)
    assert nice == max(7, started_at)
    assert loop_nice == started_at  # the loop's thread keeps its own


def test_zero_leaves_the_default_executor() -> None:
    started_at = own_priority()[1]
    (name, nice), _ = asyncio.run(to_thread_after_lowering(0))
    assert not name.startswith(THREAD_NAME_PREFIX)
    assert nice == started_at
