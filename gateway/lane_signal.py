"""The gateway's cheap operations, counted where the heavy lane's child can read them (gateway/heavy_lane.py).

The cost lane paces a heavy operation's service calls against the cheap operations of its own process
(gateway/cost_pacing.py). In the heavy lane's child no cheap operation ever runs, so its heavy operations ran
unpaced, and with them their database commands, which the database serves at its own priority, not the child's.
So the gateway publishes its two counts (cheap operations started, and executing now) in a small file both
processes map, in the lane's private folder; the child's pacer reads them instead of its own. Two 8-byte counters
written by one thread of one process: a reader sees each whole, which is all the pacer asks (did either move
during a step, is any running).
"""

from __future__ import annotations

import mmap
import os
import struct
from pathlib import Path

LAYOUT = struct.Struct("<QQ")  # cheap operations started, cheap operations executing now


class CheapCounts:
    """The two counts in a shared mapping: written by the gateway (`publish`), read by the child (`follow`)."""

    def __init__(self, path: Path, *, create: bool) -> None:
        flags = os.O_RDWR | (os.O_CREAT | os.O_TRUNC if create else 0)
        fd = os.open(path, flags, 0o600)
        try:
            if create:
                os.ftruncate(fd, LAYOUT.size)
            self._map = mmap.mmap(fd, LAYOUT.size)
        finally:
            os.close(fd)

    @classmethod
    def publish(cls, path: Path) -> CheapCounts:
        """A new file of zeroes at `path` (the gateway's side)."""
        return cls(path, create=True)

    @classmethod
    def follow(cls, path: Path) -> CheapCounts:
        """The file the gateway made at `path` (the child's side)."""
        return cls(path, create=False)

    def read(self) -> tuple[int, int]:
        started, running = LAYOUT.unpack_from(self._map)
        return started, running

    def write(self, started: int, running: int) -> None:
        LAYOUT.pack_into(self._map, 0, started, running)

    def close(self) -> None:
        self._map.close()
