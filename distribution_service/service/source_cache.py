"""The personal candidate sources (items by topic, by author) and the boosted items, kept per asked key.

A member with a history asks content for their top tags and authors. On SecantusDB a read by `$in` costs every
item matching the asked keys (the server fetches and sorts each match before its limit), so a feed of a member
with interests cost several times one with none (benchmarks/feed_history.py). Members of one community share
tags and authors: each key's newest items are kept per process for the pool's lifetime
(RANKING_POOL_TTL_SECONDS, the staleness the newest items already have), and a decision asks content only for
the keys it does not hold. The lists it answers are the ones content would: `merge_keyed` applies content's
per-key quotas to the union of the keys' lists (each key's `per_key` newest items are all that quota can take).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from bson import ObjectId

from content_service.client import ContentClient
from content_service.schemas import ContentSummary

# content_service's bound on one candidate-sources list (`perSource`).
MAX_PER_SOURCE = 1000
MAX_CACHED_KEYS = 20_000


@dataclass(frozen=True)
class Sources:
    boosted: list[ContentSummary]
    by_tag: list[ContentSummary]
    by_author: list[ContentSummary]


@dataclass(frozen=True)
class _Kept:
    read_at: float
    per_key: int
    items: list[ContentSummary]


def _tags_of(item: ContentSummary) -> Iterable[str]:
    return item.tags


def _author_of(item: ContentSummary) -> Iterable[str]:
    return [item.author_id] if item.author_id else []


def merge_keyed(
    lists: Sequence[Sequence[ContentSummary]],
    keys_of: Callable[[ContentSummary], Iterable[str]],
    asked: Iterable[str],
    *,
    per_key: int,
    limit: int,
) -> list[ContentSummary]:
    """Content's per-key selection over the union of the asked keys' lists: newest first, an item taken while any
    asked key it carries is under `per_key` (and counted for each), at most `limit` items."""
    wanted = set(asked)
    union = {item.id: item for items in lists for item in items}
    ordered = sorted(union.values(), key=lambda s: (s.published_at, s.id), reverse=True)
    taken = dict.fromkeys(wanted, 0)
    found: list[ContentSummary] = []
    for item in ordered:
        keys = [k for k in keys_of(item) if k in wanted]
        if any(taken[k] < per_key for k in keys):
            found.append(item)
            for k in keys:
                taken[k] += 1
            if len(found) >= limit:
                break
    return found


class SourceCache:
    """Per process: (community, tag or author) -> that key's newest items; (community) -> its boosted items."""

    def __init__(self, content: ContentClient, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.content = content
        self.clock = clock
        self._keys: dict[tuple[ObjectId, str, str], _Kept] = {}
        self._boosted: dict[ObjectId, _Kept] = {}
        # One read per community at a time: concurrent decisions wait for it, then ask only for what is missing.
        self._reading: dict[ObjectId, asyncio.Lock] = {}

    async def sources(
        self, cid: ObjectId, tags: list[str], authors: list[str], *, per_source: int, per_key: int, max_age: float
    ) -> Sources:
        clock = self.clock()

        def fresh(kept: _Kept | None, quota: int = per_key) -> bool:
            return kept is not None and clock - kept.read_at < max_age and kept.per_key >= quota

        tags = list(dict.fromkeys(t.strip().lower() for t in tags if t.strip()))
        wanted = [(cid, "tag", t) for t in tags] + [(cid, "author", a) for a in authors]
        # The lists this decision uses, taken as found: a read that empties the full cache (or another community's
        # meanwhile) must not take away a key this decision found fresh.
        kept: dict[tuple[ObjectId, str, str], _Kept] = {}

        def missing() -> tuple[list[str], list[str], bool]:
            for k in wanted:
                found = self._keys.get(k)
                if found is not None and fresh(found):
                    kept[k] = found
            missing_tags = [t for t in tags if (cid, "tag", t) not in kept]
            missing_authors = [a for a in authors if (cid, "author", a) not in kept]
            return missing_tags, missing_authors, not fresh(self._boosted.get(cid), 0)

        if any(missing()):
            async with self._reading.setdefault(cid, asyncio.Lock()):
                clock = self.clock()
                missing_tags, missing_authors, boosted = missing()
                if missing_tags or missing_authors or boosted:
                    kept.update(await self._read(cid, missing_tags, missing_authors, per_key, clock))
        by_tag = [kept[(cid, "tag", t)].items for t in tags]
        by_author = [kept[(cid, "author", a)].items for a in authors]
        return Sources(
            boosted=self._boosted[cid].items[:per_source],
            by_tag=merge_keyed(by_tag, _tags_of, tags, per_key=per_key, limit=per_source),
            by_author=merge_keyed(by_author, _author_of, authors, per_key=per_key, limit=per_source),
        )

    async def _read(
        self, cid: ObjectId, tags: list[str], authors: list[str], per_key: int, clock: float
    ) -> dict[tuple[ObjectId, str, str], _Kept]:
        """The missing keys' `per_key` newest items, in calls small enough that no list's limit cuts a key short;
        kept, and returned (a later step's or another community's read may empty the full cache)."""
        if len(self._keys) > MAX_CACHED_KEYS:
            self._keys.clear()
        step = max(1, MAX_PER_SOURCE // per_key)
        tags, authors = list(tags), list(authors)
        first = True
        read: dict[tuple[ObjectId, str, str], _Kept] = {}
        while first or tags or authors:
            ask_tags, tags = tags[:step], tags[step:]
            ask_authors, authors = authors[:step], authors[step:]
            # The largest list: every boosted item, and no key's quota cut by the list's limit.
            found = await self.content.candidate_sources(
                str(cid), tags=ask_tags, author_ids=ask_authors, per_source=MAX_PER_SOURCE, per_key=per_key
            )
            if first:
                self._boosted[cid] = _Kept(clock, per_key, found.boosted)
                first = False
            read.update(self._keep(cid, "tag", ask_tags, found.by_tag, _tags_of, per_key, clock))
            read.update(self._keep(cid, "author", ask_authors, found.by_author, _author_of, per_key, clock))
        return read

    def _keep(
        self,
        cid: ObjectId,
        kind: str,
        asked: list[str],
        items: list[ContentSummary],
        keys_of: Callable[[ContentSummary], Iterable[str]],
        per_key: int,
        clock: float,
    ) -> dict[tuple[ObjectId, str, str], _Kept]:
        per: dict[str, list[ContentSummary]] = {k: [] for k in asked}
        for item in items:
            for k in keys_of(item):
                if k in per and len(per[k]) < per_key:
                    per[k].append(item)
        read = {(cid, kind, k): _Kept(clock, per_key, kept) for k, kept in per.items()}
        self._keys.update(read)
        return read
