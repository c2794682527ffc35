"""The ranking stack loaded in the background once the service answers: the first feed of a fresh process paid
for importing scikit-learn, scipy and LightGBM (seconds) and for the hashing vectoriser's first use, inside a
member's request (py-spy on a feed run: 145 of 921 samples). Importing them before /readyz would slow every
start-up and restart (benchmarks/startup.py), so they load in a worker thread after a short delay."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from distribution_service.ranking.lazy_imports import RANKING_IMPORTS
from infra.logging import get_logger

log = get_logger(__name__)

# Seconds after the service starts before the ranking stack loads: /readyz answers first.
DELAY_SECONDS = 2.0


def load_ranking_stack() -> None:
    """Import what a decision imports lazily and run the text vectoriser once (its first call builds tables), under
    the lock every lazy import of the stack takes (ranking/lazy_imports.py)."""
    with RANKING_IMPORTS:
        import lightgbm  # noqa: F401
        import scipy.sparse  # noqa: F401

        from distribution_service.ranking.text import text_matrix

    text_matrix(["warm up"])


async def prewarm(delay: float = DELAY_SECONDS) -> None:
    """`load_ranking_stack` off the event loop, after `delay`; a failure only means the first feed loads it."""
    await asyncio.sleep(delay)
    try:
        await asyncio.to_thread(load_ranking_stack)
    except Exception as exc:  # an optional head start: never a reason to stop the service
        log.warning("ranking_prewarm_failed", error=str(exc))


@contextlib.asynccontextmanager
async def prewarming(delay: float = DELAY_SECONDS) -> AsyncIterator[None]:
    """Run `prewarm` for the service's lifetime; cancelled (if still waiting) at shutdown."""
    task = asyncio.create_task(prewarm(delay))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
