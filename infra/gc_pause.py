"""Full garbage collections off the request path: what a process holds for good is frozen out of them.

A gateway that mounts the services holds millions of long-lived objects (modules, the GraphQL schema, the
ranking stack its background prewarm imports). CPython's full (generation 2) collection walks every one of them,
on the event loop, inside whichever callback happens to allocate at that moment: 150-200 ms of CPU each in the
gateway under maximum-cost queries (measured with gc.callbacks), the p99 of every request waiting behind it.
`gc.freeze()` moves the objects alive at a moment into a permanent generation that collections skip; objects made
later are collected as before. The process freezes once it has started and once more `after` seconds later (when
the ranking stack has loaded), each time after one full collection, so that no garbage is frozen with them.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator

from infra.logging import get_logger
from infra.tasks import cancel_and_wait

log = get_logger(__name__)


def freeze_long_lived() -> int:
    """One full collection, then everything still alive frozen; how many objects are frozen in all."""
    gc.collect()
    gc.freeze()
    frozen: int = gc.get_freeze_count()
    return frozen


async def _freeze_later(after: float) -> None:
    await asyncio.sleep(after)
    log.info("gc_frozen", objects=freeze_long_lived())


@contextlib.asynccontextmanager
async def long_lived_frozen(after: float) -> AsyncIterator[None]:
    """For a process's lifetime: frozen now and again after `after` seconds; `after` 0 leaves the collector as
    it is (the test suite, where apps come and go in one process)."""
    if after <= 0:
        yield
        return
    log.info("gc_frozen", objects=freeze_long_lived())
    task = asyncio.create_task(_freeze_later(after), name="gc-freeze")
    try:
        yield
    finally:
        await cancel_and_wait(task)
