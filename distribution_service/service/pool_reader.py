"""What every ranking decision reads before it scores: the community's candidate pool (newest, boosted and the
members' personal sources, with their counters, text rows and columns), the members' last engagements and the
community's timezone. FeedRanker (service/ranker.py) makes the decisions over it.

A feed's pool is prepared once per process and shared, for at most `pool_ttl_seconds` (RANKING_POOL_TTL_SECONDS,
5 s by default; the documented staleness: content has no way to tell distribution of a publish or a boost, so a
new item or a boost reaches feeds within that many seconds, and counters are at most COUNTERS_TTL_SECONDS old).
Prepared means: candidates merged, alive rule applied, columns, TF-IDF rows and the pool's side of the feature
matrix (`item_block`) built; a decision adds only its member's columns. Pools are keyed by what their members
ask for (topics and authors): every newcomer shares one, a member with a history shares theirs with anyone who
asks the same. Every read of community-wide data is single-flight: concurrent decisions of a cold or expired
pool wait for one read instead of each making it (a stampede on one core).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import numpy as np
from bson import ObjectId

from content_service.client import ContentClient
from content_service.schemas import ContentSummary
from distribution_service.domain import exposure
from distribution_service.domain.decision_log import id_bytes
from distribution_service.domain.honeycomb import EventType
from distribution_service.domain.labels import grade
from distribution_service.ranking.dataset import ALIVE_DAYS as TRAINING_ALIVE_DAYS
from distribution_service.ranking.features import (
    VELOCITY_DAYS,
    CandidateColumns,
    DecisionContext,
    ItemBlock,
    item_block,
    popularity_window_start,
    recent_window_start,
)
from distribution_service.ranking.history import STRONGEST_GRADE
from distribution_service.ranking.member_features import HISTORY_LIMIT
from distribution_service.ranking.registry import ModelRegistry, ServingModels
from distribution_service.service.candidates import (
    Interests,
    SourceIndex,
    batch_asks,
    merge_sources,
    source_quotas,
)
from distribution_service.service.feature_inputs import FeatureInputs
from distribution_service.service.source_cache import SourceCache, Sources
from distribution_service.store import DistributionStore, Doc
from distribution_service.store.member_recent import RELATIONS
from infra.moments import as_utc
from users_service.client import UsersClient

V = TypeVar("V")

__all__ = ["HISTORY_LIMIT", "CandidatePool", "CandidatePoolReader", "activity_anchor", "is_alive"]

CANDIDATE_POOL = 500
# The event types training counts as an item's strongest grade (content_answers): answers and shares.
STRONGEST_TYPES = tuple(t.value for t in EventType if grade(t) >= STRONGEST_GRADE)
# A decision reads the member's last HISTORY_LIMIT engagements (RANKING_HISTORY_LIMIT setting; training's
# member features read as many, ranking/member_features.py): their features and the items left out as seen. An
# item engaged with before those is dead to the alive rule long since, or may be offered again.
# Members whose last engagements are read concurrently, one bounded query each.
HISTORY_READS_IN_FLIGHT = 50
# A member without a member_recent document whose last day's events were read and found empty is not read again
# for this many seconds (at most the pool's age): their first engagement reaches feeds within it.
QUIET_MEMBER_SECONDS = 1.0
# Such members remembered at most, over every community (then forgotten all at once).
QUIET_MEMBERS_KEPT = 100_000
# Every source offers only items created or active in the last ALIVE_DAYS (RANKING_ALIVE_DAYS): training's rule.
ALIVE_DAYS = TRAINING_ALIVE_DAYS
# The community's newest items, and feeds' prepared pools, are shared by a process's decisions this long
# (RANKING_POOL_TTL_SECONDS).
POOL_TTL_SECONDS = 5.0
# Counters may be this old in a ranking (COUNTERS_TTL_SECONDS setting); 0 reads them on every request.
COUNTERS_TTL_SECONDS = 30.0
MAX_CACHED_COUNTERS = 50_000
# A slot run's chunks share counters up to this old (a run of 100,000 members takes minutes; its pushes rank on
# the counters as the run found them, where a feed reads them COUNTERS_TTL_SECONDS fresh).
SLOT_COUNTERS_SECONDS = 600.0
# Prepared feed pools kept per process (distinct asked topics and authors); the oldest go first.
MAX_CACHED_POOLS = 256
DAY = 86_400.0


@dataclass(frozen=True)
class CandidatePool:
    summaries: list[ContentSummary]
    columns: CandidateColumns
    # The community's engagement share per tag (cross_tag_lift's denominator).
    tag_shares: dict[str, float]
    timezone: str
    at: datetime
    # The candidates' ids as ObjectIds, made once for the pool rather than once per member's decision.
    object_ids: list[ObjectId]
    sources: SourceIndex
    # Per candidate, made once for every member's decision: its id as text and as ObjectId bytes (n x 12), and
    # its exposure boost's score lift.
    id_array: np.ndarray
    id_bytes: np.ndarray
    lift: np.ndarray
    # Per candidate its author (None: none), as an object array each decision takes its rows of.
    author_array: np.ndarray
    # The pool's side of the feature matrix per (slot, scene), built by the first decision that needs it (the
    # pool's moment fixes the local hour and weekday). Shared by the decisions of a prepared feed pool.
    blocks: dict[tuple[str, str], ItemBlock] = field(default_factory=dict, compare=False)

    def block(self, context: DecisionContext) -> ItemBlock:
        """The pool's item block for this decision context, built once per (slot, scene)."""
        key = (context.slot, context.scene)
        found = self.blocks.get(key)
        if found is None:
            found = self.blocks[key] = item_block(self.columns, context)
        return found


@dataclass(frozen=True)
class _Prepared:
    """A feed pool and what it was built from: the newest items' list it merged (a new read: a new pool)."""

    read_at: float
    recent: list[ContentSummary]
    pool: CandidatePool


class CandidatePoolReader:
    """The pool reads of a process, with their per-process caches (see the module's docstring)."""

    def __init__(
        self,
        store: DistributionStore,
        content: ContentClient,
        users: UsersClient | None,
        *,
        counters_ttl_seconds: float = COUNTERS_TTL_SECONDS,
        alive_days: float = ALIVE_DAYS,
        history_limit: int = HISTORY_LIMIT,
        pool_ttl_seconds: float = POOL_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.content = content
        self.users = users
        self.counters_ttl_seconds = counters_ttl_seconds
        self.alive_days = alive_days
        self.history_limit = history_limit
        self.pool_ttl_seconds = pool_ttl_seconds
        # Every cache's clock (a test moves it past an age instead of sleeping).
        self.clock = clock
        self.inputs = FeatureInputs(store, content)
        self._timezones: dict[ObjectId, str] = {}
        # The personal sources' items per tag and author, and the boosted ones, shared like the newest items.
        self.sources = SourceCache(content, clock=clock)
        # community -> (read at, its newest items): what every member's decision shares.
        self._newest: dict[ObjectId, tuple[float, list[ContentSummary]]] = {}
        # community -> the wall-clock moment its kept newest items were read.
        self._newest_at: dict[ObjectId, datetime] = {}
        # (community, item) -> (read at, counters doc, 7-day engagement, 1-day engagement)
        self._counters: dict[tuple[ObjectId, str], tuple[float, Doc, float, float]] = {}
        # (community, asked tags, asked authors) -> a prepared feed pool.
        self._pools: dict[tuple[ObjectId, tuple[str, ...], tuple[str, ...]], _Prepared] = {}
        # community -> (read at, its serving models): the model pointer, read once per pool age.
        self._models: dict[ObjectId, tuple[float, ServingModels]] = {}
        # (community, member) -> when a read of a member without a member_recent document found no recent event:
        # not read again for QUIET_MEMBER_SECONDS (see last_engagements).
        self._quiet: dict[tuple[ObjectId, ObjectId], float] = {}
        # One read at a time per (what, community): the counters' (each caller then reads what is still missing).
        self._flights: dict[Any, asyncio.Lock] = {}
        # The read under way per (cache, community) or per pool key and newest list: every caller shares its outcome.
        self._running: dict[Any, asyncio.Future[Any]] = {}

    def _flight(self, key: Any) -> asyncio.Lock:
        return self._flights.setdefault(key, asyncio.Lock())

    async def _once(self, key: Any, read: Callable[[], Awaitable[V]]) -> V:
        """`read()` once for every caller that comes while it runs, its value or its error shared by all of them
        (behind a lock, each waiter would try again in turn after a failure: a content read timing out made the
        n-th feed wait n timeouts). It runs as its own task: a caller cancelled, the first one too, neither stops
        it nor passes its cancellation on; once done, the next caller reads anew."""
        running = self._running.get(key)
        if running is None:
            running = self._running[key] = asyncio.ensure_future(read())
            running.add_done_callback(lambda done: self._landed(key, done))
        return await asyncio.shield(running)

    def _landed(self, key: Any, done: asyncio.Future[Any]) -> None:
        if self._running.get(key) is done:
            del self._running[key]
        if not done.cancelled():
            done.exception()  # retrieved: every caller may have gone (cancelled) before it failed

    async def _kept(
        self, kept: dict[ObjectId, tuple[float, V]], cid: ObjectId, max_age: float, read: Callable[[], Awaitable[V]]
    ) -> V:
        """`kept[cid]` if younger than `max_age`, else `read()` kept: one read per (cache, community) at a time,
        concurrent decisions wait for it rather than each making the same read."""
        cached = kept.get(cid)
        if cached is not None and self.clock() - cached[0] < max_age:
            return cached[1]

        async def read_and_keep() -> V:
            clock = self.clock()
            value = await read()
            kept[cid] = (clock, value)
            return value

        return await self._once((id(kept), cid), read_and_keep)

    async def counters(
        self, cid: ObjectId, ids: list[str], now: datetime, max_age: float | None = None
    ) -> tuple[dict[str, Doc], dict[str, float], dict[str, float]]:
        """Items' counters and 7-day engagement, cached for a few seconds: reading them for 500 items is the
        costliest part of a feed (benchmarks/ranking.py), and a ranking needs them fresh to seconds, not to
        the event. `max_age` (a slot run: its pool's age) accepts older ones than a feed does."""
        max_age = self.counters_ttl_seconds if max_age is None else max(max_age, self.counters_ttl_seconds)
        if self._stale_counters(cid, ids, max_age):
            async with self._flight(("counters", cid)):
                missing = self._stale_counters(cid, ids, max_age)
                if missing:
                    await self._read_counters(cid, missing, now)
        cached = [self._counters[(cid, i)] for i in ids]
        return (
            {i: c[1] for i, c in zip(ids, cached, strict=True)},
            {i: c[2] for i, c in zip(ids, cached, strict=True)},
            {i: c[3] for i, c in zip(ids, cached, strict=True)},
        )

    def _stale_counters(self, cid: ObjectId, ids: list[str], max_age: float) -> list[str]:
        clock = self.clock()
        return [i for i in ids if clock - self._counters.get((cid, i), (-math.inf,))[0] >= max_age]

    async def _read_counters(self, cid: ObjectId, missing: list[str], now: datetime) -> None:
        clock = self.clock()
        oids = [ObjectId(i) for i in missing]
        stats = await self.store.events.list_item_stats(cid, oids)
        t = now.timestamp()
        starts = [popularity_window_start(t), recent_window_start(t, VELOCITY_DAYS)]
        week, day = await self.store.events.sum_engagement_windows(
            cid, oids, [datetime.fromtimestamp(s, UTC) for s in starts]
        )
        if len(self._counters) > MAX_CACHED_COUNTERS:
            self._counters = {k: v for k, v in self._counters.items() if clock - v[0] < SLOT_COUNTERS_SECONDS}
        for i in missing:
            self._counters[(cid, i)] = (clock, stats.get(i, {}), week.get(i, 0.0), day.get(i, 0.0))

    async def newest(self, cid: ObjectId, max_age: float | None = None) -> list[ContentSummary]:
        """The community's newest items, shared by this process's decisions for `pool_ttl_seconds` (a slot run:
        `max_age`, its whole run): content has no way to tell distribution of a publish or a boost, so a new item
        reaches feeds within that many seconds."""
        max_age = self.pool_ttl_seconds if max_age is None else max_age

        async def read() -> list[ContentSummary]:
            at = datetime.now(UTC)
            items = await self.content.candidates(str(cid), limit=CANDIDATE_POOL)
            self._newest_at[cid] = at
            return items

        return await self._kept(self._newest, cid, max_age, read)

    def moment(self, cid: ObjectId, now: datetime) -> datetime:
        """The moment a feed's decision describes: when the community's newest items it shares were read (every
        feed pool prepared over them is built as of then, its members' side too), or `now` when feeds share no
        pool (`pool_ttl_seconds` 0)."""
        if self.pool_ttl_seconds <= 0:
            return now
        return min(now, self._newest_at.get(cid, now))

    async def last_engagements(
        self, cid: ObjectId, mids: list[ObjectId], relations: dict[str, Doc] | None = None
    ) -> dict[str, list[Doc]]:
        """Each member's last `history_limit` engagements, newest first, from the members' member_recent documents
        (one batched point lookup, whatever their histories; they trail recorded events by the ingest lag). For a
        member without one: once the database's backfill of those documents is done, they have no derived
        engagement, and only their last day's events are read (what the worker may not have derived yet: a
        member's first engagement shows at once); before it, their events, bounded. A few dozen in flight.
        `relations` receives the follows and blocks mirrored in the same documents (store/relations_mirror.py)."""
        read = await self.store.events.list_member_docs(cid, mids, limit=self.history_limit)
        kept = None if read is None else {m: d["events"] for m, d in read.items()}
        if relations is not None and read:
            relations.update({m: d[RELATIONS] for m, d in read.items() if RELATIONS in d})
        found: dict[str, list[Doc]] = {m: docs for m, docs in (kept or {}).items() if docs}
        missing = mids if kept is None else [m for m in mids if str(m) not in kept]
        recent_only = kept is not None and bool(missing) and await self.store.events.member_recent_complete()
        started = self.clock()
        if recent_only:
            # A member who engaged with nothing (most of a community reads and never engages) is not asked again for
            # a second: their first engagement shows within that, as everyone's later ones show after the ingest
            # lag (about as long).
            window = self.quiet_member_seconds
            missing = [m for m in missing if started - self._quiet.get((cid, m), -math.inf) >= window]
        for lo in range(0, len(missing), HISTORY_READS_IN_FLIGHT):
            chunk = missing[lo : lo + HISTORY_READS_IN_FLIGHT]
            reads = [
                self.store.events.list_last_engagements(cid, m, limit=self.history_limit, recent_only=recent_only)
                for m in chunk
            ]
            for mid, docs in zip(chunk, await asyncio.gather(*reads), strict=True):
                if docs:
                    found[str(mid)] = docs
                    self._quiet.pop((cid, mid), None)
                elif recent_only and self.quiet_member_seconds > 0:
                    if len(self._quiet) >= QUIET_MEMBERS_KEPT:
                        self._quiet.clear()
                    self._quiet[(cid, mid)] = started
        return found

    @property
    def quiet_member_seconds(self) -> float:
        """How long a member found with no engagement is taken to have none: QUIET_MEMBER_SECONDS, at most the
        pool's age (0 under APP_ENV=test: always read)."""
        return min(QUIET_MEMBER_SECONDS, self.pool_ttl_seconds)

    async def serving_models(self, cid: ObjectId, registry: ModelRegistry) -> ServingModels:
        """The community's active, shadow and experiment models, read once per `pool_ttl_seconds` (a promotion
        reaches feeds within that age, as a publish does; 0 reads the pointer on every decision)."""
        return await self._kept(self._models, cid, self.pool_ttl_seconds, lambda: registry.serving_models(cid))

    async def timezone(self, cid: ObjectId) -> str:
        if cid not in self._timezones:
            tz = "UTC"
            if self.users is not None:
                tz = (await self.users.get_community(str(cid))).timezone
            self._timezones[cid] = tz
        return self._timezones[cid]

    async def pool(
        self,
        cid: ObjectId,
        recent: list[ContentSummary],
        *,
        members: list[str],
        interests: Sequence[Interests] = (),
        now: datetime | None = None,
        max_age: float | None = None,
    ) -> CandidatePool:
        """The candidates of every source for these members (`recent`: the community's newest items), with their
        counters, text rows and the community's tag shares: built once and shared by a slot run's chunk of members;
        a feed's (`max_age` None) is prepared once per `pool_ttl_seconds` for everyone asking the same topics and
        authors, and its `at` is the moment it was prepared."""
        now = now or datetime.now(UTC)
        tags, authors = batch_asks(interests)
        if max_age is not None or len(members) != 1 or self.pool_ttl_seconds <= 0:
            return await self._build(cid, recent, tags, authors, len(members), now, max_age)
        key = (cid, tuple(sorted(tags)), tuple(sorted(authors)))
        found = self._prepared(key, recent)
        if found is not None:
            return found

        async def prepare() -> CandidatePool:
            clock = self.clock()
            pool = await self._build(cid, recent, tags, authors, 1, now, None)
            if len(self._pools) >= MAX_CACHED_POOLS:
                oldest = min(self._pools, key=lambda k: self._pools[k].read_at)
                del self._pools[oldest]
            self._pools[key] = _Prepared(clock, recent, pool)
            return pool

        # Per newest list too: a pool is built over the list its members read (the running one holds it alive).
        pool: CandidatePool = await self._once(("pool", key, id(recent)), prepare)
        return pool

    def _prepared(self, key: tuple[ObjectId, tuple[str, ...], tuple[str, ...]], recent: list[ContentSummary]) -> Any:
        kept = self._pools.get(key)
        if kept is None or kept.recent is not recent or self.clock() - kept.read_at >= self.pool_ttl_seconds:
            return None
        return kept.pool

    async def _build(
        self,
        cid: ObjectId,
        recent: list[ContentSummary],
        tags: list[str],
        authors: list[str],
        members: int,
        now: datetime,
        max_age: float | None,
    ) -> CandidatePool:
        """The pool of `pool`, built: `members` how many share it (their asked `tags` and `authors`)."""
        per_source, per_key = source_quotas(members, len(tags), len(authors))
        counters_age = None if max_age is None else min(max_age, SLOT_COUNTERS_SECONDS)
        max_age = self.pool_ttl_seconds if max_age is None else max_age
        found = await self.sources.sources(cid, tags, authors, per_source=per_source, per_key=per_key, max_age=max_age)
        offered = list(dict.fromkeys(s.id for s in [*recent, *found.boosted, *found.by_tag, *found.by_author]))
        stats, recent_engagement, day_engagement = await self.counters(cid, offered, now, counters_age)

        # The CPU of a preparation (the alive rule, the merge, the columns: tens of ms for a pool of 500) runs in a
        # worker thread, as ranking does (FeedRanker.decide_many): on the loop it stalled every request in the
        # process each time a shared pool aged out.
        summaries, index = await asyncio.to_thread(alive_merged, recent, found, stats, now, self.alive_days, tags)
        text_rows = await self.inputs.text_rows(cid, [s.id for s in summaries])
        tag_shares = await self.inputs.tag_shares(cid)
        timezone = await self.timezone(cid)
        return await asyncio.to_thread(
            assembled_pool,
            summaries,
            index,
            PoolInputs(now, stats, recent_engagement, day_engagement, text_rows, tag_shares, timezone),
        )


@dataclass(frozen=True)
class PoolInputs:
    """What a pool's columns are built from besides its items: read on the loop, assembled off it."""

    at: datetime
    stats: dict[str, Doc]
    recent_engagement: dict[str, float]
    day_engagement: dict[str, float]
    text_rows: Any
    tag_shares: dict[str, float]
    timezone: str


def alive_merged(
    recent: list[ContentSummary],
    found: Sources,
    stats: dict[str, Doc],
    now: datetime,
    alive_days: float,
    tags: list[str],
) -> tuple[list[ContentSummary], SourceIndex]:
    """Every source's alive items (`found`: the personal and boosted sources) merged into one pool: CPU only."""
    anchor = activity_anchor(recent, stats, now)

    def alive(items: Sequence[ContentSummary]) -> list[ContentSummary]:
        # Every source, boosted ones included, obeys the rule training's candidate pools are built with.
        return [s for s in items if is_alive(s, stats.get(s.id, {}), anchor, alive_days)]

    return merge_sources(
        alive(recent), alive(found.boosted), alive(found.by_tag), alive(found.by_author), asked_tags=tags
    )


def assembled_pool(summaries: list[ContentSummary], index: SourceIndex, inputs: PoolInputs) -> CandidatePool:
    """The pool's columns and per-candidate arrays over its merged items: CPU only (a worker thread's)."""
    columns = candidate_columns(
        summaries, inputs.at, inputs.stats, inputs.recent_engagement, inputs.day_engagement, inputs.text_rows
    )
    object_ids = [ObjectId(s.id) for s in summaries]
    return CandidatePool(
        summaries,
        columns,
        inputs.tag_shares,
        inputs.timezone,
        inputs.at,
        object_ids,
        index,
        id_array=np.array([s.id for s in summaries], dtype=object),
        id_bytes=id_bytes(object_ids),
        lift=exposure.log_boost(columns.exposure_boost),
        author_array=np.array(columns.author_ids, dtype=object),
    )


def candidate_columns(
    summaries: list[ContentSummary],
    now: datetime,
    stats: dict[str, Doc],
    recent: dict[str, float],
    day: dict[str, float],
    text_rows: Any,
) -> CandidateColumns:
    """The candidates' columns as training computes them at `now` (ranking/history.py `columns_at`). Authors'
    tiers are not known as of a past moment, so training has none: neither does serving."""
    t = now.timestamp()
    published = np.array([as_utc(s.published_at).timestamp() for s in summaries])
    last = np.array(
        [
            as_utc(stats[s.id]["last_at"]).timestamp() if s.id in stats and stats[s.id].get("last_at") else 0.0
            for s in summaries
        ]
    )
    counts = [stats.get(s.id, {}).get("counts", {}) for s in summaries]
    return CandidateColumns(
        content_ids=[s.id for s in summaries],
        kinds=[s.kind.value for s in summaries],
        author_ids=[s.author_id for s in summaries],
        tags=[tuple(s.tags) for s in summaries],
        age_days=(t - published) / DAY,
        impressions=np.array([c.get("IMPRESSION", 0) for c in counts], dtype=float),
        opens=np.array([c.get("OPEN", 0) + c.get("CLICK", 0) for c in counts], dtype=float),
        engagement=np.array([float(stats.get(s.id, {}).get("engagement", 0.0)) for s in summaries]),
        engagement_7d=np.array([recent.get(s.id, 0.0) for s in summaries]),
        last_activity_days=(t - np.maximum(last, published)) / DAY,
        author_tiers=[None] * len(summaries),
        exposure_boost=np.array([s.exposure_boost for s in summaries], dtype=float),
        answers=np.array([float(sum(c.get(e, 0) for e in STRONGEST_TYPES)) for c in counts]),
        engagement_1d=np.array([day.get(s.id, 0.0) for s in summaries]),
        text_rows=text_rows,
    )


def activity_anchor(recent: Sequence[ContentSummary], stats: dict[str, Doc], now: datetime) -> datetime:
    """The moment the alive window ends: now in a living community, its last activity in a quiet one.

    A community imported from another platform may have had no activity for years; measured from now, nothing in
    it would be alive and a newcomer's feed would be empty. Measured from its last publication or engagement (as
    training measures from each decision's own moment), its liveliest items are offered.
    """
    moments = [as_utc(s.published_at) for s in recent]
    moments += [as_utc(doc["last_at"]) for doc in stats.values() if doc.get("last_at") is not None]
    return min(now, max(moments)) if moments else now


def is_alive(item: ContentSummary, stats: Doc, now: datetime, days: float) -> bool:
    """Training's rule for a candidate (ranking/dataset.py): created, or engaged with, in the last `days` days."""
    since = now.timestamp() - days * DAY
    last = stats.get("last_at")
    return as_utc(item.published_at).timestamp() >= since or (last is not None and as_utc(last).timestamp() >= since)
