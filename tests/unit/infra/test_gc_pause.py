"""Long-lived objects frozen out of full collections: at start when asked, never with 0 (the test suite)."""

from __future__ import annotations

import gc

from infra.gc_pause import long_lived_frozen


async def test_zero_leaves_the_collector_as_it_is() -> None:
    before = gc.get_freeze_count()
    async with long_lived_frozen(0):
        assert gc.get_freeze_count() == before


async def test_what_is_alive_at_start_is_frozen() -> None:
    try:
        async with long_lived_frozen(3600):
            assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()  # the rest of the session collects as before
