"""Values read per key (a community's settings, its running experiments), kept a few seconds in this process.

A change made through this process drops its key at once (`drop`); a read that started before the drop is not
kept, so a reader never brings back what the change replaced. Another replica's change is seen once the kept value
expires.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

MAX_KEPT = 10_000


class KeptPerKey(Generic[K, V]):
    def __init__(self, ttl_seconds: float, *, max_kept: int = MAX_KEPT) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_kept = max_kept
        # key -> (read at, value)
        self._kept: dict[K, tuple[float, V]] = {}
        # key -> how many times it was dropped
        self._generation: dict[K, int] = {}

    async def get(self, key: K, read: Callable[[], Awaitable[V]]) -> V:
        """The kept value if younger than `ttl_seconds`, else `read()` (kept unless `key` was dropped meanwhile)."""
        clock = time.monotonic()
        kept = self._kept.get(key)
        if kept is not None and clock - kept[0] < self.ttl_seconds:
            return kept[1]
        generation = self._generation.get(key, 0)
        value = await read()
        if self.ttl_seconds > 0 and self._generation.get(key, 0) == generation:
            if len(self._kept) >= self.max_kept:
                self._kept.clear()
            self._kept[key] = (clock, value)
        return value

    def drop(self, key: K) -> None:
        self._generation[key] = self._generation.get(key, 0) + 1
        self._kept.pop(key, None)
