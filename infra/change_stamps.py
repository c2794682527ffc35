"""A per-community change stamp of one collection, kept in the owning service's database beside it: documents a
process keeps (infra/kept_docs.py) stay valid while their community's stamp is the one read before they were read,
instead of for a fixed few seconds.

The collection's store replaces the community's stamp (a fresh ObjectId: a stamp never comes back, so a reset
collection cannot make an old one current again) after every write of it, in the write's transaction when it has
one. Each process reads a community's stamp at most every `check_seconds`, one read at a time per community, shared
by every request: a document read after a stamp that was current then is valid until a later reading of the stamp
differs, that is at most `check_seconds` (and the stamp read's round trip) after a write through any process. A
write that bypasses the store (or a process that dies between a write and its stamp) is not seen by the stamp: the
kept documents' own maximum age bounds it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from bson import ObjectId
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

Doc = dict[str, Any]


class ChangeStamps:
    def __init__(self, stamps: AsyncCollection[Doc], check_seconds: float = 0.0) -> None:
        self.stamps = stamps
        self.check_seconds = check_seconds
        # Monotonic seconds; tests move it.
        self.clock: Callable[[], float] = time.monotonic
        # community -> (when the read of its stamp began, the stamp read: None if it was never written)
        self._read: dict[ObjectId, tuple[float, ObjectId | None]] = {}
        self._reading: dict[ObjectId, asyncio.Lock] = {}
        # Stamps read from the database and written (tests and benchmarks).
        self.reads = 0
        self.bumps = 0

    async def current(self, community_id: ObjectId) -> ObjectId | None:
        """The community's stamp, from a read that began at most `check_seconds` ago (and before this call
        returns: a document read after it is judged against it)."""
        known = self._fresh(community_id)
        if known is not None:
            return known[1]
        async with self._reading.setdefault(community_id, asyncio.Lock()):
            known = self._fresh(community_id)  # read by a request that held the lock meanwhile
            if known is not None:
                return known[1]
            began = self.clock()
            found = await self.stamps.find_one({"_id": community_id})
            self.reads += 1
            stamp = None if found is None else found["stamp"]
            self._read[community_id] = (began, stamp)
            return stamp

    def _fresh(self, community_id: ObjectId) -> tuple[float, ObjectId | None] | None:
        known = self._read.get(community_id)
        if known is not None and self.clock() - known[0] < self.check_seconds:
            return known
        return None

    async def bump(self, community_id: ObjectId, *, session: Any = None) -> None:
        """A write of the community's documents is done (or is in `session`'s transaction): a new stamp."""
        self.bumps += 1
        for attempt in range(2):
            try:
                await self.stamps.update_one(
                    {"_id": community_id}, {"$set": {"stamp": ObjectId()}}, upsert=True, session=session
                )
                break
            except DuplicateKeyError:  # two first stamps upserted at once: the other one's insert won, set it again
                if attempt:
                    raise
        # This process's next reading is a fresh one.
        self._read.pop(community_id, None)
