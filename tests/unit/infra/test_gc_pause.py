"""Long-lived objects frozen out of full collections: at start when asked, never with 0 (the test suite)."""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Callable

import pytest

from infra.gc_pause import NO_AUTOMATIC_FULL, FreezePolicy, long_lived_frozen
from infra.settings import Settings


async def test_zero_leaves_the_collector_as_it_is() -> None:
    # Nothing frozen to start with: an earlier test of this process may have frozen objects, and those that die
    # leave the permanent generation, so a count taken before could fall with no freeze or unfreeze at all.
    gc.unfreeze()
    thresholds = gc.get_threshold()
    async with long_lived_frozen(FreezePolicy(0)):
        assert gc.get_freeze_count() == 0
        assert gc.get_threshold() == thresholds


async def test_what_is_alive_at_start_is_frozen() -> None:
    try:
        async with long_lived_frozen(FreezePolicy(3600)):
            assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()  # the rest of the session collects as before


class _Node:
    """A weak-referenceable object that can sit in a reference cycle."""

    other: object = None


async def _until(condition: Callable[[], bool], limit: int = 500) -> bool:
    for _ in range(limit):
        if condition():
            return True
        await asyncio.sleep(0.01)
    return False


async def test_survivors_made_after_the_second_freeze_are_frozen_too() -> None:
    try:
        async with long_lived_frozen(FreezePolicy(after=0.01, refreeze=0.01)):
            await asyncio.sleep(0.05)  # the second freeze done
            kept = [_Node() for _ in range(2000)]
            base = gc.get_freeze_count()
            assert await _until(lambda: gc.get_freeze_count() >= base + len(kept))
    finally:
        gc.unfreeze()


async def test_a_full_collection_reclaims_a_frozen_cycle() -> None:
    try:
        async with long_lived_frozen(FreezePolicy(after=0.01, refreeze=0.01, full_every=0.2)):
            a, b = _Node(), _Node()
            a.other, b.other = b, a
            gone = weakref.ref(a)
            base = gc.get_freeze_count()
            assert await _until(lambda: gc.get_freeze_count() > base)  # refrozen with the cycle in it
            del a, b
            assert await _until(lambda: gone() is None)  # only a full pass of the unfrozen heap frees a cycle
    finally:
        gc.unfreeze()


async def test_no_automatic_full_pass_runs_while_the_refreeze_does() -> None:
    full_passes: list[int] = []

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info["generation"] == 2:
            full_passes.append(1)

    thresholds = gc.get_threshold()
    try:
        async with long_lived_frozen(FreezePolicy(after=0.01, refreeze=3600, full_every=3600)):
            assert await _until(lambda: gc.get_threshold()[2] == NO_AUTOMATIC_FULL)  # the second freeze done
            gc.callbacks.append(on_gc)
            # Objects alive across many middle passes, as a maximum-cost query's are: promoted to the old generation,
            # whose automatic full passes (with the heap frozen) would start every tenth middle pass.
            in_flight: list[list[_Node]] = []
            for _ in range(300):
                in_flight.append([_Node() for _ in range(2000)])
                del in_flight[:-20]
            middle_passes = gc.get_stats()[1]["collections"]
            assert middle_passes > 0
            assert full_passes == []
        assert gc.get_threshold() == thresholds  # restored when the process's lifetime ends
    finally:
        if on_gc in gc.callbacks:
            gc.callbacks.remove(on_gc)
        gc.unfreeze()


async def test_with_no_full_collection_scheduled_the_collectors_own_full_passes_stay() -> None:
    thresholds = gc.get_threshold()
    try:
        async with long_lived_frozen(FreezePolicy(after=0.01, refreeze=0.01, full_every=0)):
            base = gc.get_freeze_count()
            assert await _until(lambda: gc.get_freeze_count() > base)  # the refreeze runs
            assert gc.get_threshold() == thresholds
    finally:
        gc.unfreeze()


def test_the_refreeze_settings_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GC_REFREEZE_SECONDS", "2.5")
    monkeypatch.setenv("GC_FULL_COLLECT_SECONDS", "0")
    settings = Settings(app_env="development")
    assert (settings.gc_freeze_after, settings.gc_refreeze_seconds, settings.gc_full_collect_seconds) == (30.0, 2.5, 0)
