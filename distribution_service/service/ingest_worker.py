"""The ingest worker: derives what ranking reads (items' counters, daily buckets, delivery marks, each member's
last engagements in member_recent) from recorded events, after they were acknowledged, in batches.

Recording events stores them and one outbox entry for them, in one transaction (store/events.py). This worker takes
the oldest outbox entries (any community, `_id` order, about `INGEST_BATCH` events at a time) and, in ONE
transaction, deletes them and adds their events to the counters: a crash of the worker or the service before the
commit leaves the entries (counted by the next run), after it leaves the events counted, never both. Two replicas'
workers racing on a batch conflict; the loser's transaction is retried and finds the entries gone (see
`derive_pending`). Delivery marks are written before the transaction: they keep the first time set, so repeating
them after a crash changes nothing. Events a version before the outbox stored flagged `pending` are given an entry
once, at start-up (EventMigrations.adopt_legacy_pending).

Lag: the worker runs `interval` seconds after its last run (INGEST_INTERVAL_SECONDS, 0.5 s by default) or as soon as
an event is recorded (`wake`, then COALESCE_SECONDS to gather more, and no sooner than MIN_RUN_GAP_SECONDS after the
previous run started nor, after a run that caught up in one take, than as long as it took: REST_FACTOR), and each
run drains the backlog; so counters trail an acknowledged event by one run plus at most `interval` (or the previous
run's duration, under load) (benchmarks/ingest_lag.py measures p50 and p99 under sustained load). Decisions'
impressions alone wake nothing and wait up to IMPRESSIONS_DEFER_SECONDS more (below). A feed reads its
member's last engagements from member_recent, so it sees the member's own newest events after the same lag. Ranking
further caches counters for RANKING_COUNTERS_TTL_SECONDS, so a feed may read them that many seconds old. The age of
the oldest event of each batch is observed in the `ingest_lag_seconds` histogram and kept as `last_lag_seconds`.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import UTC, datetime, timedelta

from bson import ObjectId
from prometheus_client import Histogram

from distribution_service.domain.honeycomb import EventType
from distribution_service.service.metrics import EVENTS_INGESTED
from distribution_service.store import DistributionStore, Doc
from distribution_service.store.event_outbox import event_count, events_of, take_weight
from infra.logging import get_logger
from infra.moments import as_utc
from infra.periodic import run_once
from infra.tasks import cancel_and_wait

log = get_logger(__name__)

# Events derived per transaction: big enough to fold a burst into one counter update per item, small enough to
# keep a transaction short (what bounds its length is MAX_UPDATES_PER_TAKE, store/event_outbox.py: a take costs
# about one update per distinct item and member, however many events it holds). 2,000, not 1,000: under events
# from many members on many items (300 items a take) a take's updates are most of the derivation, so larger takes
# cost less per event (`python -m benchmarks.ingest_takes`; docs/performance.md, "Events from many members on many
# items").
INGEST_BATCH = 2000
# After a wake, wait this long for more events to come, so a burst of single events is derived in one batch.
COALESCE_SECONDS = 0.02
# Under a steady stream, runs start at most this often: each run costs about ten database commands however few
# events it takes (outbox read, delivery marks, the transaction's reads and writes, commit), so at tens of single
# events a second, a run per wake cost the database more than the writes it derived (measured). Adds at most this
# much to the lag, and only when the previous run started less than this long before. 0.5 s, not 0.25: with
# INGEST_BATCH, takes under sustained batches from many members hold ~1,300 events, not ~800 (benchmarks/
# ingest_takes.py).
MIN_RUN_GAP_SECONDS = 0.5
# After a run that caught up in one take under a batch and took D seconds, the next starts no sooner than
# REST_FACTOR * D after it ended: the slower a run (a loaded machine, many distinct items), the more events the next
# one gathers into the same one-update-per-item writes. A take costs about one counter update per distinct item
# however many events it holds: sustained 100-event batches were derived a request at a time, two updates per event,
# most of the server's work (measured: README). Adds at most D to the lag of a run that took D. A run that met a
# backlog (a full batch) does not rest: its takes were full already, and resting would only slow the catching up.
REST_FACTOR = 1.0
# The outbox is read this much of its entries at a time (ObjectId keys count whole seconds) when a backlog starts;
# a read that took under half a batch doubles the next read's span, up to MAX_SLICE, and a full one halves it.
SLICE = timedelta(seconds=1)
# Why widen: a take costs about one counter update per distinct item and member (each ~3 ms of SecantusDB CPU, as
# much as ten inserts), however many events it holds. Read a second at a time, a backlog left by sustained 100-event
# batches came in takes of one or two batches each, every take paying its items' updates again, and the worker
# fell further behind the more it had to do. Spans sized to hold about a batch bring each take back to about
# INGEST_BATCH events (measured below and in the README), while each read still costs about a batch of entries.
MAX_SLICE = timedelta(seconds=64)
# A run of the loop leaves a backlog of decisions' impressions alone (under MAX_IMPRESSIONS_PER_TAKE) to a later run
# until its oldest entry is this old (entry keys count whole seconds: 1-2 s more): a take updates each shown item
# once however many pages showed it, so a take of several maximum-cost queries' pages (23 of the same 100 items
# each) costs about what one query's did. Counted impressions trail the decision by at most this plus a run; ranking
# reads counters up to RANKING_COUNTERS_TTL_SECONDS (30 s) old anyway. `drain()` alone (tests, migrations) does not
# wait.
IMPRESSIONS_DEFER_SECONDS = 2.0
# At shutdown, the batch in progress gets this long to commit before it is cancelled.
STOP_GRACE_SECONDS = 10.0
# Opens and shares of a delivered item mark its delivery opened or shared (open rate and share rate per slot).
DELIVERY_MARKS = {EventType.OPEN: "opened_at", EventType.CLICK: "opened_at", EventType.SHARE: "shared_at"}

INGEST_LAG = Histogram(
    "ingest_lag_seconds",
    "Age of the oldest event of a batch when the ingest worker derived it",
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0),
)


def _received(doc: Doc) -> datetime:
    at = doc.get("received_at") or doc["_id"].generation_time
    return as_utc(at)


def widened(span: timedelta, until: datetime, taken: int, batch_size: int) -> tuple[timedelta, datetime]:
    """The next read's span and bound after a take of `taken` events up to `until`. Under half a batch: every
    entry up to `until` was taken, so the bound moves on by a doubled span. A full batch: the rest up to `until` is
    read next, and later spans are halved. Either way no entry is skipped: a read takes the oldest entries first."""
    if taken < batch_size // 2:
        span = min(span * 2, MAX_SLICE)
        return span, until + span
    if taken >= batch_size:
        return max(SLICE, span / 2), until
    return span, until


def next_run_at(started: float, ended: float, *, backlogged: bool) -> float:
    """When the next run may start (monotonic seconds), after one from `started` to `ended`: MIN_RUN_GAP_SECONDS
    after its start, and after a run that caught up (not `backlogged`) a rest of REST_FACTOR times its length."""
    rest = 0.0 if backlogged else REST_FACTOR * (ended - started)
    return max(started + MIN_RUN_GAP_SECONDS, ended + rest)


class IngestWorker:
    """A resumable tail of pending events: `drain()` derives the whole backlog; `start()` runs it in a loop."""

    def __init__(self, store: DistributionStore, *, interval: float, batch_size: int = INGEST_BATCH) -> None:
        self.store = store
        self.interval = interval
        self.batch_size = batch_size
        self.last_lag_seconds = 0.0
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        # Whether the last run met a backlog of a batch or more (then the next run does not rest: REST_FACTOR).
        self._backlogged = False

    def wake(self) -> None:
        """An event was stored: derive soon rather than at the next interval."""
        self._wake.set()

    async def drain(self, *, defer_impressions: bool = False) -> int:
        """Derive every pending event, batch by batch; how many this run derived. `defer_impressions` (the loop's
        runs): a backlog of impressions alone younger than IMPRESSIONS_DEFER_SECONDS is left to a later run.

        A backlog under a batch (the usual case) is one read and one transaction. A larger one is read up to a
        moving bound (`until`, from its oldest entry, by spans sized to hold about a batch: `widened`), so each read
        costs about a batch, not the whole backlog, and each take holds about a batch however slowly the backlog
        was written; an entry written late with an older key is in every later range. The run ends once a read
        reaching the run's start (`horizon`) finds nothing."""
        # What was written before the run (to the second): later entries are the next run's, after its rest, so a
        # run under a steady stream does not chase each new entry in a take of its own.
        now = datetime.now(UTC)
        horizon = now + SLICE
        deferred = now - timedelta(seconds=IMPRESSIONS_DEFER_SECONDS) if defer_impressions else None
        entries, more = await self.store.events.list_pending(horizon, self.batch_size, deferred)
        self._backlogged = False
        if not entries:
            return 0
        derived = await self.derive(entries)
        # A take cut short by a cap (events to store, counter updates: event_outbox.py) leaves a backlog too.
        self._backlogged = more or take_weight(entries) >= self.batch_size
        if not self._backlogged:
            return derived
        oldest = await self.store.events.oldest_pending_time()
        span = SLICE
        until = min((oldest or horizon) + span, horizon)
        while not self._stopping:
            entries, more = await self.store.events.list_pending(until, self.batch_size)
            if entries:
                derived += await self.derive(entries)
                # A capped take counts as a full one: the span does not widen while the range still holds more.
                taken = self.batch_size if more else take_weight(entries)
                span, until = widened(span, until, taken, self.batch_size)
                until = min(until, horizon)
                continue
            if until >= horizon:
                break
            # Nothing left up to `until`: the next second, or straight to the next entry after a quiet spell.
            oldest = await self.store.events.oldest_pending_time()
            if oldest is None:
                break
            until = min(max(until, oldest) + SLICE, horizon)
        return derived

    async def derive(self, entries: list[Doc]) -> int:
        """One batch of outbox entries: delivery marks, then the entries up to the batch's last `_id` taken and
        their events counted, in one transaction; how many it counted (fewer when another worker took some first).
        """
        batch = events_of(entries)
        self.last_lag_seconds = max(0.0, (datetime.now(UTC) - min(_received(d) for d in batch)).total_seconds())
        INGEST_LAG.observe(self.last_lag_seconds)
        await self._mark_deliveries(batch)
        last_key = entries[-1]["key"]
        done = await self.store.transaction(
            lambda session: self.store.events.derive_pending(last_key, session, entries)
        )
        # A take's counted impressions of an item are one event in `done` (event_outbox.events_of): counted here.
        EVENTS_INGESTED.inc(event_count(done))
        return event_count(done)

    async def _mark_deliveries(self, batch: list[Doc]) -> None:
        # One mark per (member, item, field), the earliest event's time: what marking each event in turn leaves.
        # One read of the deliveries per community in the batch, not one per event.
        marks: dict[ObjectId, dict[tuple[ObjectId, ObjectId, str], datetime]] = {}
        for doc in batch:
            field = DELIVERY_MARKS.get(EventType(doc["type"]))
            if field and doc.get("member_id") is not None:
                of_community = marks.setdefault(doc["community_id"], {})
                key = (doc["member_id"], doc["content_id"], field)
                of_community[key] = min(of_community.get(key, doc["occurred_at"]), doc["occurred_at"])
        for community_id, of_community in marks.items():
            await self.store.deliveries.mark_deliveries(community_id, of_community)

    async def _loop(self) -> None:
        earliest = 0.0  # when the next run may start (MIN_RUN_GAP_SECONDS, REST_FACTOR)
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.interval)
                await asyncio.sleep(max(COALESCE_SECONDS, earliest - time.monotonic()))
            self._wake.clear()
            if not self._stopping:
                started = time.monotonic()
                await run_once("ingest", lambda: self.drain(defer_impressions=True))
                ended = time.monotonic()
                earliest = next_run_at(started, ended, backlogged=self._backlogged)

    def start(self) -> None:
        if self._task is None and self.interval > 0:
            self._stopping = False
            self._task = asyncio.get_running_loop().create_task(self._loop(), name="ingest")

    async def stop(self) -> None:
        """Let the run in progress finish (up to STOP_GRACE_SECONDS), then end the loop. Cancelling a batch
        mid-transaction loses nothing (it stays pending), but leaves the server a transaction to reap."""
        if self._task is None:
            return
        self._stopping = True
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout=STOP_GRACE_SECONDS)
        except TimeoutError:
            await cancel_and_wait(self._task)
        self._task = None
