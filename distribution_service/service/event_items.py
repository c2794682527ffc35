"""What an event snapshots of its item (tags, author, kind), kept per process for a few seconds.

Every recorded event checks its item is content of the community and copies the item's tags, author and kind
(member history and affinities read that snapshot). Members act on the items their feeds just showed, the same
few hundred per community: asking content for each batch is one more service round trip (and a read) per
`recordEvent`. An item content answered is kept for the pool's lifetime (RANKING_POOL_TTL_SECONDS: 5 s, 0 under
APP_ENV=test); an unknown item is asked again every time, so an event on it is refused until it exists. The
price: an item removed from content still takes events for up to that many seconds, as it still reaches feeds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bson import ObjectId

from content_service.client import ContentClient
from content_service.schemas import SERVICE_VIEWER

MAX_KEPT = 50_000


@dataclass(frozen=True)
class EventItem:
    tags: list[str]
    author_id: str | None
    kind: str
    # The item a reply belongs to (an answer's question): activity on a reply is activity of its thread.
    thread_id: str | None = None


class EventItems:
    def __init__(self, content: ContentClient, *, ttl_seconds: float) -> None:
        self.content = content
        self.ttl_seconds = ttl_seconds
        # (community, item) -> (read at, its snapshot)
        self._kept: dict[tuple[ObjectId, str], tuple[float, EventItem]] = {}

    async def lookup(self, cid: ObjectId, ids: list[str]) -> dict[str, EventItem | None]:
        """Each item's snapshot, None for an id that is no content of the community; one content lookup for the
        ids not kept."""
        clock = time.monotonic()
        found: dict[str, EventItem | None] = {}
        for i in ids:
            kept = self._kept.get((cid, i))
            if kept is not None and clock - kept[0] < self.ttl_seconds:
                found[i] = kept[1]
        missing = [i for i in ids if i not in found]
        if missing:
            reads = await self.content.lookup(str(cid), missing, viewer=SERVICE_VIEWER)
            if len(self._kept) >= MAX_KEPT:
                self._kept = {k: v for k, v in self._kept.items() if clock - v[0] < self.ttl_seconds}
            for i, read in zip(missing, reads, strict=True):
                item = None if read is None else EventItem(read.tags, read.author_id, read.kind.value, read.parent_id)
                found[i] = item
                if item is not None and self.ttl_seconds > 0:
                    self._kept[(cid, i)] = (clock, item)
        return found
