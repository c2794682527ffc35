"""Full garbage collections off the request path: what a process holds for good is frozen out of them.

A gateway that mounts the services holds millions of long-lived objects (modules, the GraphQL schema, the
ranking stack its background prewarm imports). CPython's full (generation 2) collection walks every one of them,
on the event loop, inside whichever callback happens to allocate at that moment: 150-200 ms of CPU each in the
gateway under maximum-cost queries (measured with gc.callbacks), the p99 of every request waiting behind it.
`gc.freeze()` moves the objects alive at a moment into a permanent generation that collections skip; objects made
later are collected as before. The process freezes once it has started and once more `after` seconds later (when
the ranking stack has loaded), each time after one full collection, so that no garbage is frozen with them.

What survives after that (prepared pools, caches, in-flight requests) still reached the old generation, and under
heavy queries the automatic full passes walked it every 1-4 s, 45-115 ms each. So, every `refreeze` seconds, the
young generations are collected (a short pass: only what was made since the last one) and the survivors frozen
too: an automatic full pass then walks at most that many seconds of survivors. Cyclic garbage frozen that way is
not reclaimed while frozen; every `full_every` seconds the process unfreezes, collects once in full and freezes
again: one long pass per that interval instead of one every few seconds.

The refreeze alone did not stop the automatic full passes: CPython 3.11 starts one when ten middle passes have run
and the objects they promoted since the last full pass exceed a quarter of what that pass left (`long_lived_total`).
With the long-lived heap frozen, a full pass leaves only seconds of survivors, so that quarter is tiny and every
tenth middle pass started another, on the loop (3-4 a second even idle; 14-32 per 10 s under maximum-cost
queries, 155-489 ms in all, the longest 21-129 ms: benchmarks/hot_path.py --isolation-only --loop-meter).
So while the refreeze runs, the old generation's threshold is set out of reach (`NO_AUTOMATIC_FULL`): full passes
run only when this module runs them, and what reached the old generation is frozen at the next refreeze and
reclaimed, if it became cyclic garbage, by the `full_every` collection.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

from infra.logging import get_logger
from infra.tasks import cancel_and_wait

log = get_logger(__name__)

# The old generation's threshold while the refreeze runs: middle passes between two automatic full passes, which
# at a few per second none reaches (CPython counts it in a C int).
NO_AUTOMATIC_FULL = 1_000_000_000


@dataclass(frozen=True)
class FreezePolicy:
    # Seconds after start of the second freeze (the ranking stack loaded); 0: the collector left as it is.
    after: float
    # Seconds between young collections whose survivors are frozen, after the second freeze; 0: none.
    refreeze: float = 0.0
    # Seconds between full collections of the whole heap (frozen cycles reclaimed); 0: never after the start.
    full_every: float = 0.0


def freeze_long_lived() -> int:
    """One full collection, then everything still alive frozen; how many objects are frozen in all."""
    gc.collect()
    gc.freeze()
    frozen: int = gc.get_freeze_count()
    return frozen


def refreeze_young() -> None:
    """The young generations collected, then everything alive frozen (no walk of the frozen or old objects; not
    even a count: `gc.get_freeze_count` walks the whole permanent generation, ~20 ms of the loop)."""
    gc.collect(1)
    gc.freeze()


def without_automatic_full_passes() -> tuple[int, int, int]:
    """The old generation's threshold set out of reach; the thresholds before, to restore."""
    before = gc.get_threshold()
    gc.set_threshold(before[0], before[1], NO_AUTOMATIC_FULL)
    return before


def collect_all() -> int:
    """Everything unfrozen and collected in full (frozen cycles reclaimed), then frozen again."""
    gc.unfreeze()
    return freeze_long_lived()


async def _keep_frozen(policy: FreezePolicy) -> None:
    await asyncio.sleep(policy.after)
    log.info("gc_frozen", objects=freeze_long_lived())
    if policy.refreeze <= 0:
        return
    if policy.full_every > 0:
        # Full passes only on the schedule; with none scheduled the collector's own passes are kept, else cycles
        # that reach the old generation between two refreezes would be frozen and never freed.
        without_automatic_full_passes()
    last_full = time.monotonic()
    while True:
        await asyncio.sleep(policy.refreeze)
        if policy.full_every > 0 and time.monotonic() - last_full >= policy.full_every:
            last_full = time.monotonic()
            log.info("gc_collected_in_full", objects=collect_all())
        else:
            refreeze_young()


@contextlib.asynccontextmanager
async def long_lived_frozen(policy: FreezePolicy) -> AsyncIterator[None]:
    """For a process's lifetime: frozen now, again after `policy.after` seconds and then as the policy says (the
    collector's thresholds restored at the end); `after` 0 leaves the collector as it is (the test suite, where apps
    come and go in one process)."""
    if policy.after <= 0:
        yield
        return
    log.info("gc_frozen", objects=freeze_long_lived())
    thresholds = gc.get_threshold()
    task = asyncio.create_task(_keep_frozen(policy), name="gc-freeze")
    try:
        yield
    finally:
        await cancel_and_wait(task)
        gc.set_threshold(*thresholds)
