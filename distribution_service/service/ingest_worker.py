"""The ingest worker: derives what ranking reads (items' counters, daily buckets, delivery marks) from recorded
events, after they were acknowledged, in batches.

Recording an event only stores it, flagged `pending` (store/events.py). This worker takes the oldest pending events
(any community, `_id` order, `INGEST_BATCH` at a time) and, in ONE transaction, clears their flag and adds them to
the counters: a crash of the worker or the service before the commit leaves them pending (counted by the next
run), after it leaves them counted, never both. Two replicas' workers racing on a batch conflict; the loser's
transaction is retried and finds the events derived (see `derive_pending`). Delivery marks are written before
the transaction: they keep the first time set, so repeating them after a crash changes nothing.

Lag: the worker runs `interval` seconds after its last run (INGEST_INTERVAL_SECONDS, 0.5 s by default) or as soon
as an event is recorded (`wake`), and each run drains the backlog; so counters trail an acknowledged event by one
run (a few ms to tens of ms per batch) plus at most `interval`, under a second with the defaults. Ranking further
caches counters for RANKING_COUNTERS_TTL_SECONDS, so a feed may read them that many seconds old. The age of the
oldest event of each batch is observed in the `ingest_lag_seconds` histogram and kept as `last_lag_seconds`.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime

from bson import ObjectId
from prometheus_client import Histogram

from distribution_service.domain.honeycomb import EventType
from distribution_service.store import DistributionStore, Doc
from infra.logging import get_logger
from infra.periodic import run_once

log = get_logger(__name__)

# Events derived per transaction: big enough to fold a burst into one counter update per item, small enough to
# keep a transaction short.
INGEST_BATCH = 1000
# After a wake, wait this long for more events to come, so a stream of single events is derived in batches.
COALESCE_SECONDS = 0.02
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
    return at if at.tzinfo else at.replace(tzinfo=UTC)


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

    def wake(self) -> None:
        """An event was stored: derive soon rather than at the next interval."""
        self._wake.set()

    async def drain(self) -> int:
        """Derive every pending event, batch by batch; how many this run derived."""
        derived = 0
        while True:
            batch = await self.store.events.list_pending(self.batch_size)
            if not batch:
                return derived
            derived += await self.derive(batch)
            if len(batch) < self.batch_size or self._stopping:
                return derived

    async def derive(self, batch: list[Doc]) -> int:
        """One batch: delivery marks, then the flags and the counters of the events pending up to the batch's last
        `_id`, in one transaction; how many it counted (fewer when another worker counted some first)."""
        self.last_lag_seconds = max(0.0, (datetime.now(UTC) - min(_received(d) for d in batch)).total_seconds())
        INGEST_LAG.observe(self.last_lag_seconds)
        await self._mark_deliveries(batch)
        last_id = batch[-1]["_id"]
        done = await self.store.transaction(lambda session: self.store.events.derive_pending(last_id, session))
        return len(done)

    async def _mark_deliveries(self, batch: list[Doc]) -> None:
        # One mark per (member, item, field), the earliest event's time: what marking each event in turn leaves.
        marks: dict[tuple[ObjectId, ObjectId, ObjectId, str], datetime] = {}
        for doc in batch:
            field = DELIVERY_MARKS.get(EventType(doc["type"]))
            if field and doc.get("member_id") is not None:
                key = (doc["community_id"], doc["member_id"], doc["content_id"], field)
                marks[key] = min(marks.get(key, doc["occurred_at"]), doc["occurred_at"])
        for (community_id, member_id, content_id, field), at in marks.items():
            await self.store.deliveries.mark_delivery(community_id, member_id, content_id, field, at)

    async def _loop(self) -> None:
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.interval)
                await asyncio.sleep(COALESCE_SECONDS)
            self._wake.clear()
            if not self._stopping:
                await run_once("ingest", self.drain)

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
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None
