"""What an event snapshots of its item (tags, author, kind), kept per process for a few seconds.

Every recorded event checks its item is content of the community and copies the item's tags, author and kind
(member history and affinities read that snapshot). Members act on the items their feeds just showed, the same
few hundred per community: asking content for each batch is one more service round trip (and a read) per
`recordEvent`. An item content answered is kept for the pool's lifetime (RANKING_POOL_TTL_SECONDS: 5 s, 0 under
APP_ENV=test); an unknown item is asked again every time, so an event on it is refused until it exists. The
price: an item removed from content still takes events for up to that many seconds, as it still reaches feeds.

Events on many items (a community's members each on another): each kept item expired on its own, so a stream of
single events over 300 items asked content for one item at a time, 50-60 lookups a second. Now an item past half its
lifetime is read again when an event asks for it, together with the community's other kept items past half theirs
that events asked for since they were read (the oldest first, up to REFRESH_AHEAD): the items in use are read in a
few reads of many (300 items in turn at 160-350 events a second: 6-10 lookups a second of up to 97 items, 80-120
items a second; tests/unit/distribution_service/test_event_items.py), none is kept longer than before, and an item
no event asks for expires as before.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bson import ObjectId

from content_service.client import ContentClient
from content_service.schemas import SERVICE_VIEWER

MAX_KEPT = 50_000
# Kept items read again beside a missing one, at most: about three of content's reads by id (infra/lookups.py).
REFRESH_AHEAD = 96


@dataclass(frozen=True)
class EventItem:
    tags: list[str]
    author_id: str | None
    kind: str
    # The item a reply belongs to (an answer's question): activity on a reply is activity of its thread.
    thread_id: str | None = None


@dataclass(slots=True)
class _Kept:
    read_at: float
    item: EventItem
    # Whether an event asked for it since it was read: only such items are read again ahead of their expiry.
    asked: bool = False


class EventItems:
    def __init__(self, content: ContentClient, *, ttl_seconds: float) -> None:
        self.content = content
        self.ttl_seconds = ttl_seconds
        # community -> item -> its snapshot, oldest read first (a read moves an item to the end)
        self._kept: dict[ObjectId, dict[str, _Kept]] = {}
        self._count = 0

    async def lookup(self, cid: ObjectId, ids: list[str]) -> dict[str, EventItem | None]:
        """Each item's snapshot, None for an id that is no content of the community; one content lookup for the
        ids not kept or past half their lifetime (and the community's other such items that events asked for)."""
        clock = time.monotonic()
        kept = self._kept.get(cid, {})
        found: dict[str, EventItem | None] = {}
        for i in ids:
            entry = kept.get(i)
            if entry is not None and clock - entry.read_at < self.ttl_seconds / 2:
                entry.asked = True
                found[i] = entry.item
        # Absent, expired, or past half its lifetime: read again, with the community's other items in use that are.
        missing = [i for i in ids if i not in found]
        if not missing:
            return found
        asked = missing + self._ageing(cid, clock, set(ids))
        reads = await self.content.lookup(str(cid), asked, viewer=SERVICE_VIEWER)
        if self._count >= MAX_KEPT:
            self._drop_expired(clock)
        for n, (i, read) in enumerate(zip(asked, reads, strict=True)):
            item = None if read is None else EventItem(read.tags, read.author_id, read.kind.value, read.parent_id)
            if n < len(missing):
                found[i] = item
            self._keep(cid, i, clock, item)
        return found

    def _ageing(self, cid: ObjectId, clock: float, asked: set[str]) -> list[str]:
        """The community's kept items past half their lifetime that events asked for since they were read, oldest
        first, at most REFRESH_AHEAD; expired ones met on the way are dropped."""
        kept = self._kept.get(cid, {})
        ageing: list[str] = []
        expired: list[str] = []
        for i, entry in kept.items():
            age = clock - entry.read_at
            if age < self.ttl_seconds / 2 or len(ageing) >= REFRESH_AHEAD:
                break
            if age >= self.ttl_seconds:
                expired.append(i)
            elif entry.asked and i not in asked:
                ageing.append(i)
        for i in expired:
            del kept[i]
        self._count -= len(expired)
        return ageing

    def _keep(self, cid: ObjectId, i: str, clock: float, item: EventItem | None) -> None:
        kept = self._kept.setdefault(cid, {})
        if kept.pop(i, None) is not None:
            self._count -= 1
        if item is not None and self.ttl_seconds > 0:
            kept[i] = _Kept(clock, item)
            self._count += 1

    def _drop_expired(self, clock: float) -> None:
        for cid, kept in list(self._kept.items()):
            alive = {i: v for i, v in kept.items() if clock - v.read_at < self.ttl_seconds}
            self._count -= len(kept) - len(alive)
            if alive:
                self._kept[cid] = alive
            else:
                del self._kept[cid]
