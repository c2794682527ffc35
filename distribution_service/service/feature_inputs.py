"""What a live decision needs, beyond the pool's counters, to give every feature the value training gives it for
the same member and moment: the engaged items' creation, tags, author, kind and text (as content knows them now,
as training's catalog does), the candidates' text, and the community's tag shares.

Items' facts are cached per process for `ttl_seconds` (an item's text and tags change rarely; its counters are
read elsewhere, fresher); the community's tag shares likewise.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from bson import ObjectId
from bson.datetime_ms import DatetimeMS

from content_service.client import ContentClient
from content_service.schemas import SERVICE_VIEWER as SERVICE
from distribution_service.domain.honeycomb import ENGAGEMENT_WEIGHT, EventType
from distribution_service.domain.labels import grade
from distribution_service.ranking.history import STRONGEST_GRADE
from distribution_service.ranking.lazy_imports import RANKING_IMPORTS
from distribution_service.ranking.member_features import DAY, Engagements
from distribution_service.ranking.text import N_FEATURES, item_text, text_matrix
from distribution_service.store import DistributionStore, Doc
from infra.moments import as_utc

LOOKUP_CHUNK = 500
# Items' facts and the community's tag shares may be this old in a ranking.
TTL_SECONDS = 600.0
MAX_CACHED_ITEMS = 50_000
# Members whose last engagements are kept as columns (`MemberColumns`): a feed's member, read again while their
# member_recent document is unchanged (the store hands back its same entries).
MEMBERS_KEPT = 1_000


@dataclass(frozen=True)
class ItemFacts:
    created: float
    tags: tuple[str, ...]
    author_id: str
    kind: str
    # The item's text row (scipy CSR, one row).
    text: Any


def _ts(value: datetime | DatetimeMS) -> float:
    """Epoch seconds of a stored date: a datetime (naive: UTC), or milliseconds as member_recent reads them (the
    same float: both divide the same exact number of microseconds, correctly rounded)."""
    if isinstance(value, DatetimeMS):
        return int(value) / 1000
    return as_utc(value).timestamp()


# Each event type's grade and engagement weight, by its stored name (a DWELL's grade also reads its length).
_GRADED: dict[str, tuple[int, float]] = {e.value: (grade(e), ENGAGEMENT_WEIGHT[e]) for e in EventType}
_DWELL = EventType.DWELL.value


# The same for the types whose grade does not read a length: every type but DWELL.
_GRADED_AT_ONCE: dict[str, tuple[int, float]] = {k: v for k, v in _GRADED.items() if k != _DWELL}


def _stamps(docs: list[Doc]) -> np.ndarray:
    """Each event's `occurred_at` in epoch seconds (`_ts`): from member_recent's milliseconds (`DatetimeMS`) as one
    integer column divided at once (the same floats: the integers are exact in float64 and the division is correctly
    rounded, as Python's), else event by event."""
    try:
        return np.array([int(d["occurred_at"]) for d in docs], dtype=np.int64) / 1000
    except TypeError:  # datetimes (a newcomer's events read from `events`)
        return np.fromiter((_ts(d["occurred_at"]) for d in docs), dtype=float, count=len(docs))


def _graded(event_type: str, dwell_ms: int | None) -> tuple[int, float]:
    """`grade(EventType(event_type), dwell_ms)` and the type's engagement weight, without an enum lookup."""
    if event_type == _DWELL:
        return grade(EventType.DWELL, dwell_ms), ENGAGEMENT_WEIGHT[EventType.DWELL]
    return _GRADED[event_type]


@dataclass(frozen=True)
class Engaged:
    """The last `Engagements` made of a member's columns, and what they were made of: the events kept (`kept`,
    indices into the columns), and how long their items' facts stay those it read (an item's facts are replaced
    only once expired)."""

    kept: np.ndarray
    # The monotonic clock until which every one of those items' facts is the one used (cached, unexpired).
    fresh_until: float
    engagements: Engagements
    # The moments t for which the same events are known (after < t <= until: no event's known time is crossed).
    after: float = -math.inf
    until: float = -math.inf


@dataclass
class MemberColumns:
    """One member's events as columns, oldest first, of the event entries `docs` (newest first, as read): what
    `FeatureInputs.engagements` makes of them that does not depend on the moment or the items' facts."""

    docs: list[Doc]
    # Content ids as text, newest first (`content_ids`' order).
    ids: list[str]
    known: np.ndarray
    grades: np.ndarray
    weights: np.ndarray
    last: Engaged | None = None

    def made_of(self, docs: list[Doc]) -> bool:
        """Whether `docs` holds the very entries these columns were made of (the store shares a document's
        decoded entries, read-only, until its bytes change)."""
        mine = self.docs
        return len(docs) == len(mine) and all(a is b for a, b in zip(docs, mine, strict=True))


def member_columns(docs: list[Doc]) -> MemberColumns:
    oldest_first = docs[::-1]
    stamps = _stamps(oldest_first)
    graded = [_GRADED_AT_ONCE.get(d["type"]) or _graded(d["type"], d.get("dwell_ms")) for d in oldest_first]
    # known_at over the column: an event dated exactly at midnight is known a day later.
    known = np.where(stamps % DAY == 0, stamps + DAY, stamps)
    return MemberColumns(
        docs=docs,
        ids=[str(d["content_id"]) for d in docs],
        known=known,
        grades=np.array([g for g, _ in graded], dtype=np.int64),
        weights=np.array([w for _, w in graded], dtype=float),
    )


class FeatureInputs:
    def __init__(self, store: DistributionStore, content: ContentClient, *, ttl_seconds: float = TTL_SECONDS) -> None:
        self.store = store
        self.content = content
        self.ttl_seconds = ttl_seconds
        # community -> item -> (fresh until, facts): per community, so that a feed's hundred lookups hash only the
        # item's id (an ObjectId in the key hashed in Python on every lookup).
        self._items: dict[ObjectId, dict[str, tuple[float, ItemFacts]]] = {}
        self._tag_shares: dict[ObjectId, tuple[float, dict[str, float]]] = {}
        # One read of missing facts per community at a time: concurrent feeds of a cold process wait for the first
        # one's read instead of each reading and vectorising the same few hundred items (a stampede on one core).
        self._reading: dict[ObjectId, asyncio.Lock] = {}
        # (community, member) -> their last events as columns and the engagements last made of them (a member's
        # repeated feeds); least recently used out past MEMBERS_KEPT. Event-loop only.
        self._members: OrderedDict[tuple[ObjectId, str], MemberColumns] = OrderedDict()
        self.max_members = MEMBERS_KEPT

    def columns(self, cid: ObjectId, member_id: str, docs: list[Doc], *, keep: bool = True) -> MemberColumns:
        """The member's events as columns: those kept if made of the same entries, else made (and kept, `keep`)."""
        key = (cid, member_id)
        kept = self._members.get(key)
        if kept is not None and kept.made_of(docs):
            self._members.move_to_end(key)
            return kept
        made = member_columns(docs)
        if keep:
            self._members[key] = made
            self._members.move_to_end(key)
            while len(self._members) > self.max_members:
                self._members.popitem(last=False)
        return made

    def forget_members(self) -> None:
        """Forget every member's kept columns and engagements (a benchmark's cold feeds)."""
        self._members.clear()

    def columns_of(
        self, cid: ObjectId, histories: dict[str, list[Doc]], *, keep: bool = True
    ) -> dict[str, MemberColumns]:
        """Each member's `columns`, made once for a batch whose content ids and engagements both read them (a slot
        run's members, kept by nobody, had theirs made twice)."""
        return {m: self.columns(cid, m, docs, keep=keep) for m, docs in histories.items()}

    def content_ids(self, cid: ObjectId, histories: dict[str, list[Doc]], *, keep: bool = True) -> dict[str, list[str]]:
        """`content_ids(histories)`, from the members' kept columns (made and kept now if missing, `keep`)."""
        return {m: self.columns(cid, m, docs, keep=keep).ids for m, docs in histories.items()}

    async def items(
        self, cid: ObjectId, ids: list[str], snapshots: dict[str, Doc] | None = None
    ) -> dict[str, ItemFacts]:
        """Each item's facts as content knows them; a deleted item keeps what its event snapshot knew (as
        training's catalog keeps it), its text only its tags."""
        found = self._cached(cid, ids)
        if found is not None:
            return found
        async with self._reading.setdefault(cid, asyncio.Lock()):
            await self._read_missing(cid, self._missing(cid, ids), snapshots)
        kept = self._items[cid]
        return {i: kept[i][1] for i in ids}

    def _cached(self, cid: ObjectId, ids: list[str]) -> dict[str, ItemFacts] | None:
        """Every item's facts if all are cached and fresh (a feed's usual case: one pass over the ids), else None."""
        clock = time.monotonic()
        items = self._items.get(cid, {})
        found: dict[str, ItemFacts] = {}
        for i in ids:
            kept = items.get(i)
            if kept is None or kept[0] <= clock:
                return None
            found[i] = kept[1]
        return found

    def _missing(self, cid: ObjectId, ids: list[str]) -> list[str]:
        clock = time.monotonic()
        kept = self._items.get(cid, {})
        return list(dict.fromkeys(i for i in ids if kept.get(i, (0.0,))[0] <= clock))

    async def _read_missing(self, cid: ObjectId, missing: list[str], snapshots: dict[str, Doc] | None) -> None:
        clock = time.monotonic()
        if missing:
            found = []
            for lo in range(0, len(missing), LOOKUP_CHUNK):
                found += await self.content.lookup(str(cid), missing[lo : lo + LOOKUP_CHUNK], viewer=SERVICE)
            texts, facts = [], []
            for item_id, read in zip(missing, found, strict=True):
                if read is not None:
                    tags = tuple(read.tags)
                    facts.append(
                        (_ts(read.published_at or read.created_at), tags, read.author_id or "", read.kind.value)
                    )
                    texts.append(item_text(read.title, read.body, read.tags))
                else:
                    seen = (snapshots or {}).get(item_id, {})
                    tags = tuple(seen.get("tags") or ())
                    facts.append((0.0, tags, str(seen.get("author_id") or ""), str(seen.get("kind") or "UGC")))
                    texts.append(item_text("", "", tags))
            rows = text_matrix(texts)
            if sum(map(len, self._items.values())) > MAX_CACHED_ITEMS:
                self._items = {c: {i: v for i, v in kept.items() if v[0] > clock} for c, kept in self._items.items()}
            kept = self._items.setdefault(cid, {})
            for k, (item_id, fact) in enumerate(zip(missing, facts, strict=True)):
                kept[item_id] = (clock + self.ttl_seconds, ItemFacts(*fact, text=rows[k]))

    async def engagements(
        self,
        cid: ObjectId,
        histories: dict[str, list[Doc]],
        now: datetime,
        ids: dict[str, list[str]] | None = None,
        *,
        keep: bool = True,
        made: dict[str, MemberColumns] | None = None,
    ) -> dict[str, Engagements]:
        """Each member's last engagements (newest first, as `last_engagements` reads them) as training's
        `Engagements`: those known before `now`, of a positive grade, oldest first. Columns built as arrays from
        one pass over the events (the same values as a loop of `known_at` and `grade`; the same order: a stable
        sort of the oldest-first events by when each became known). `ids`: the events' content ids as text, if
        the caller made them already (`content_ids`). A member's columns are kept (`keep`: a feed's member; a slot
        run's are read once) and so are the engagements last made of them: handed back, the same object, while
        the same events are kept at `now` and their items' facts are unexpired (the very ones they were made of).
        `made`: the members' `columns_of`, if the caller made them already."""
        t = now.timestamp()
        clock = time.monotonic()
        found: dict[str, Engagements] = {}
        # Per member: the events kept at `now`, in order (and their times), from the member's columns.
        todo: dict[str, tuple[MemberColumns, np.ndarray, np.ndarray]] = {}
        for member_id, docs in histories.items():
            columns = made[member_id] if made is not None else self.columns(cid, member_id, docs, keep=keep)
            last = columns.last
            if last is not None and last.after < t <= last.until and clock < last.fresh_until:
                found[member_id] = last.engagements
                continue
            known, grades = columns.known, columns.grades
            kept = np.flatnonzero((known < t) & (grades > 0))
            times = known[kept]
            if len(times) > 1 and not (times[1:] >= times[:-1]).all():
                kept = kept[np.argsort(times, kind="stable")]
                times = known[kept]
            if last is not None and clock < last.fresh_until and np.array_equal(kept, last.kept):
                found[member_id] = last.engagements
            else:
                todo[member_id] = (columns, kept, times)
        if todo:
            found.update(await self._engagements(cid, histories, todo, ids, t, keep=keep))
        return {m: found[m] for m in histories}

    async def _engagements(
        self,
        cid: ObjectId,
        histories: dict[str, list[Doc]],
        todo: dict[str, tuple[MemberColumns, np.ndarray, np.ndarray]],
        ids: dict[str, list[str]] | None,
        t: float,
        *,
        keep: bool = True,
    ) -> dict[str, Engagements]:
        """`engagements` at `t` of the members in `todo` (their columns, the events kept, their times), each kept in
        its columns (`MemberColumns.last`) until the first of its items' facts expires, for the moments at which the
        same events are known."""
        ids = {m: ids[m] if ids is not None else columns.ids for m, (columns, _, _) in todo.items()}
        # A warm process has every engaged item's facts: looked up as they are; the events' snapshots (what a deleted
        # item keeps) are gathered only for a read of missing facts.
        facts = self._cached(cid, [i for m in ids.values() for i in m])
        if facts is None:
            snapshots = {i: d for m in todo for i, d in zip(ids[m], histories[m], strict=True)}
            facts = await self.items(cid, list(snapshots), snapshots)
        expiry = self._items.get(cid, {})
        out: dict[str, Engagements] = {}
        for member_id, (columns, kept, times) in todo.items():
            # The events' items, oldest first (ids are newest first, as the events were read).
            member_ids = ids[member_id][::-1]
            kept_ids = [member_ids[k] for k in kept.tolist()]
            items = [facts[i] for i in kept_ids]
            # Each engaged item's text row once (a member opens, reads and votes on the same item): the text
            # similarity's product is computed per row, the engagements counted per row (Engagements.text_of).
            distinct: dict[str, int] = {}
            text_of = np.array([distinct.setdefault(i, len(distinct)) for i in kept_ids], dtype=np.int64)
            out[member_id] = Engagements(
                times=times,
                weights=columns.weights[kept],
                strongest=columns.grades[kept] >= STRONGEST_GRADE,
                created=np.array([f.created for f in items], dtype=float),
                tags=[f.tags for f in items],
                author_ids=[f.author_id for f in items],
                kinds=[f.kind for f in items],
                text=_stack([facts[i].text for i in distinct]),
                text_of=text_of,
            )
            if not keep:
                continue  # columns nobody keeps: what would let a next call reuse them is not worth making
            # Its items' facts stay the very ones used until the first of them expires (only then is one read again).
            fresh_until = min((expiry[i][0] for i in distinct if i in expiry), default=math.inf)
            known = columns.known
            before, after = known[known < t], known[known >= t]
            columns.last = Engaged(
                kept,
                fresh_until,
                out[member_id],
                after=float(before.max()) if len(before) else -math.inf,
                until=float(after.min()) if len(after) else math.inf,
            )
        return out

    async def text_rows(self, cid: ObjectId, ids: list[str]) -> Any:
        """The candidates' text rows, in `ids` order."""
        facts = await self.items(cid, ids)
        return _stack([facts[i].text for i in ids])

    async def tag_shares(self, cid: ObjectId) -> dict[str, float]:
        """Each tag's share of the community's engagement weight (summed over its items), as training's
        `ItemHistory.tag_shares`."""
        clock = time.monotonic()
        cached = self._tag_shares.get(cid)
        if cached is not None and cached[0] > clock:
            return cached[1]
        engagement = {k: v for k, v in (await self.store.events.list_item_engagement(cid)).items() if v > 0}
        facts = await self.items(cid, list(engagement))
        per_tag: dict[str, float] = {}
        for item_id, weight in engagement.items():
            for tag in facts[item_id].tags:
                per_tag[tag] = per_tag.get(tag, 0.0) + weight
        total = sum(per_tag.values())
        found = {tag: w / total for tag, w in per_tag.items()} if total > 0 else {}
        self._tag_shares[cid] = (clock + self.ttl_seconds, found)
        return found


def content_ids(histories: dict[str, list[Doc]]) -> dict[str, list[str]]:
    """Each member's events' content ids as text, in their order (a decision's seen items and its engagements'
    item facts both read them: made once)."""
    return {m: [str(d["content_id"]) for d in docs] for m, docs in histories.items()}


def _stack(rows: list[Any]) -> Any:
    """One-row CSR matrices stacked into one, built from their arrays: scipy's `vstack` costs ~0.1 ms a block,
    which made stacking a pool's 500 rows a visible part of every feed (py-spy: 54 of 921 samples)."""
    with RANKING_IMPORTS:
        from scipy.sparse import csr_matrix

    if not rows:
        return csr_matrix((0, N_FEATURES), dtype=np.float32)
    # int32 indices and offsets, as scipy keeps them: given int64, it checks their contents to narrow them.
    # Each row's length from its arrays (scipy's `nnz` property checks the matrix on every call).
    indptr = np.zeros(len(rows) + 1, dtype=np.int32)
    np.cumsum([len(r.data) for r in rows], out=indptr[1:])
    data = np.concatenate([r.data for r in rows]).astype(np.float32, copy=False)
    indices = np.concatenate([r.indices for r in rows]).astype(np.int32, copy=False)
    return csr_matrix((data, indices, indptr), shape=(len(rows), N_FEATURES))
