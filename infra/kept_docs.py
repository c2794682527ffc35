"""Documents as stored, kept per process for a few seconds for the reads that may be that old: a feed's content
cards (content_service) and the member behind each request (users_service).

Every feed read the same ten pieces and its caller's member document again: each one `$in` read on the database
server (SecantusDB runs every command in Python) and its decoding. Kept entries answer for at most `ttl_seconds`;
the store that owns the collection calls `written(community, session=...)` at every update of it, before the write
and after it, and `committed(session)` after each transaction commits (voiding the communities that transaction
wrote again), so a read that ran between a write and its commit cannot keep the old document. A write through
another process reaches the kept documents within `ttl_seconds`. Ids that are not kept (or were not found) are
always read: a document inserted a moment ago is never reported missing.

A store whose collection has a change stamp (infra/change_stamps.py) passes the community's current stamp to each
read: a kept document then answers only while the stamp is the one current when it was read (and still at most
`ttl_seconds`, which bounds a write the stamp cannot see).
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from bson import ObjectId
from pymongo.asynchronous.database import AsyncDatabase

from infra.mongo import run_transaction

Doc = dict[str, Any]
T = TypeVar("T")
# Documents kept at most, over every community: beyond it the oldest entries go first.
MAX_ENTRIES = 20_000


class KeptDocs:
    def __init__(self, ttl_seconds: float = 0.0, *, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_entries = max_entries
        # Monotonic seconds; tests move it.
        self.clock: Callable[[], float] = time.monotonic
        # (community, piece) -> (when its read began, the piece, the community's change stamp then, if any)
        self._entries: dict[tuple[ObjectId, ObjectId], tuple[float, Doc, Any]] = {}
        # Entries read before these moments are void: per community, and for every community (a committed
        # transaction, whose community the store does not know).
        self._written: dict[ObjectId, float] = {}
        self._written_any = 0.0
        # transaction's session -> the communities it wrote, voided again at its commit (forgotten with the session)
        self._pending: weakref.WeakKeyDictionary[Any, set[ObjectId]] = weakref.WeakKeyDictionary()

    @property
    def enabled(self) -> bool:
        return self.ttl_seconds > 0

    def started(self) -> float:
        """The moment a read begins: pass it to `keep`."""
        return self.clock()

    def get(self, community_id: ObjectId, ids: list[ObjectId], *, stamp: Any = None) -> dict[ObjectId, Doc]:
        """The kept documents among `ids` that are still valid (kept under `stamp`, if the store has stamps)."""
        if not self.enabled:
            return {}
        now = self.clock()
        void_before = max(self._written.get(community_id, 0.0), self._written_any)
        found: dict[ObjectId, Doc] = {}
        for content_id in ids:
            entry = self._entries.get((community_id, content_id))
            if entry is not None and entry[0] > void_before and now - entry[0] < self.ttl_seconds and entry[2] == stamp:
                found[content_id] = entry[1]
        return found

    async def read_through(
        self,
        community_id: ObjectId,
        ids: list[ObjectId],
        read: Callable[[list[ObjectId]], Awaitable[list[Doc]]],
        *,
        stamp: Any = None,
    ) -> list[Doc]:
        """The documents among `ids`: the kept ones still valid, the others from `read(missing)` (kept for the next
        reads). Kept documents are shared: copy one before changing it. `stamp`: the community's change stamp,
        read before this call (infra/change_stamps.py)."""
        kept = self.get(community_id, ids, stamp=stamp)
        missing = [i for i in ids if i not in kept]
        docs = list(kept.values())
        if missing:
            started = self.started()
            fresh = await read(missing)
            self.keep(community_id, fresh, started, stamp=stamp)
            docs.extend(fresh)
        return docs

    def keep(self, community_id: ObjectId, docs: list[Doc], started: float, *, stamp: Any = None) -> None:
        """Keep documents from a read that began at `started` (unless a write came since), after the community's
        change stamp `stamp` was read."""
        if not self.enabled or started <= max(self._written.get(community_id, 0.0), self._written_any):
            return
        for doc in docs:
            self._entries[(community_id, doc["_id"])] = (started, doc, stamp)
        if len(self._entries) > self.max_entries:
            self._evict()

    def written(self, community_id: ObjectId | None = None, *, session: Any = None) -> None:
        """A write to `community_id`'s documents (None: to some community's); `session`: the write's transaction,
        whose commit (`committed`) voids the community again."""
        if not self.enabled:
            return
        now = self.clock()
        if community_id is None:
            self._written_any = now
            self._entries.clear()
            return
        # The community's entries are void from now on (`get` checks); they leave at the next eviction.
        self._written[community_id] = now
        if session is not None:
            self._pending.setdefault(session, set()).add(community_id)

    def committed(self, session: Any) -> None:
        """`session`'s transaction committed: the communities it wrote are void again, now that its writes show."""
        for community_id in self._pending.pop(session, set()):
            self.written(community_id)

    def _evict(self) -> None:
        now = self.clock()
        self._entries = {k: v for k, v in self._entries.items() if now - v[0] < self.ttl_seconds}
        if len(self._entries) > self.max_entries:
            ordered = sorted(self._entries.items(), key=lambda item: item[1][0])
            self._entries = dict(ordered[len(ordered) - self.max_entries // 2 :])


async def transaction_voiding(db: AsyncDatabase[Doc], callback: Callable[[Any], Awaitable[T]], kept: KeptDocs) -> T:
    """`callback` in one transaction (infra.mongo.run_transaction); then the communities it wrote through `kept`'s
    store are void again, since documents read while it was open may be the old ones."""
    sessions: list[Any] = []

    async def run(session: Any) -> T:
        sessions.append(session)
        return await callback(session)

    result = await run_transaction(db, run)
    for session in sessions:
        kept.committed(session)
    return result
