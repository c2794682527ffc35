"""While the gateway paces heavy operations against cheap requests (infra/contention.py), the ingest worker's loop
leaves decisions' impressions waiting, up to IMPRESSIONS_YIELD_SECONDS, and counts them once the contention ends;
an event recorded meanwhile is derived at once, the waiting impressions with it, each exactly once."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import pytest
from bson import ObjectId

from distribution_service.service import ingest_worker
from distribution_service.service.ingest_worker import IngestWorker
from distribution_service.store import DistributionStore
from infra.contention import contention
from tests.integration.distribution.test_impression_takes import SHOWN, counted, page, serve

INTERVAL = 0.05


@pytest.fixture(autouse=True)
def prompt_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    # impressions are taken as soon as they are written unless the loop yields: what is measured here is the yield
    monkeypatch.setattr(ingest_worker, "IMPRESSIONS_DEFER_SECONDS", -5.0)
    monkeypatch.setattr(ingest_worker, "MIN_RUN_GAP_SECONDS", 0.0)
    contention.clear()


@contextlib.asynccontextmanager
async def contended() -> AsyncIterator[None]:
    """Heavy steps meeting cheap work, as the gateway's pacer notes them, every 50 ms until the block ends."""

    async def noting() -> None:
        while True:
            contention.note()
            await asyncio.sleep(0.05)

    task = asyncio.create_task(noting())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def yielding(worker: IngestWorker) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return worker.yielding()

    return check


async def until(check: Callable[[], Awaitable[bool]], seconds: float) -> float:
    """Wait until `check()` holds (at most `seconds`); how long it took."""
    started = asyncio.get_running_loop().time()
    while not await check():
        if asyncio.get_running_loop().time() - started > seconds:
            raise AssertionError("not within the time allowed")
        await asyncio.sleep(0.02)
    return asyncio.get_running_loop().time() - started


async def test_impressions_wait_while_heavy_and_cheap_work_contend_and_are_counted_after(
    store: DistributionStore,
) -> None:
    community, member, items = ObjectId(), ObjectId(), [ObjectId() for _ in range(SHOWN)]
    worker = IngestWorker(store, interval=INTERVAL)
    worker.start()
    try:
        async with contended():
            # given: the loop ran once under contention (nothing waiting): it yields from then on
            await until(yielding(worker), 2.0)
            # when: a page of impressions is written and the loop has many chances to run
            await serve(store, page(community, member, items, datetime.now(UTC)))
            await asyncio.sleep(20 * INTERVAL)
            # then: nothing is counted while the contention lasts
            assert await counted(store, community, items) == [0] * SHOWN
            assert worker.yielding()

        # and: once it ends, the impressions are counted, exactly once, within about a second
        async def all_counted() -> bool:
            return await counted(store, community, items) == [1] * SHOWN

        assert await until(all_counted, 3.0) < 2.0
        assert not worker.yielding()
        assert await store.events.outbox.entries.count_documents({}) == 0
    finally:
        await worker.stop()


async def test_the_yield_is_bounded(store: DistributionStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest_worker, "IMPRESSIONS_YIELD_SECONDS", 0.5)
    community, member, items = ObjectId(), ObjectId(), [ObjectId() for _ in range(SHOWN)]
    worker = IngestWorker(store, interval=INTERVAL)
    worker.start()
    try:
        async with contended():
            await until(yielding(worker), 2.0)
            await serve(store, page(community, member, items, datetime.now(UTC)))

            # when: the contention goes on past the bound
            async def all_counted() -> bool:
                return await counted(store, community, items) == [1] * SHOWN

            # then: the impressions are counted all the same, within the bound and a run or two
            assert await until(all_counted, 3.0) < 1.5
    finally:
        await worker.stop()


async def test_an_event_recorded_during_a_yield_is_derived_at_once_with_the_waiting_impressions(
    store: DistributionStore,
) -> None:
    community, member, items = ObjectId(), ObjectId(), [ObjectId() for _ in range(SHOWN)]
    worker = IngestWorker(store, interval=INTERVAL)
    worker.start()
    try:
        async with contended():
            await until(yielding(worker), 2.0)
            now = datetime.now(UTC)
            await serve(store, page(community, member, items, now))
            await asyncio.sleep(5 * INTERVAL)
            assert await counted(store, community, items) == [0] * SHOWN
            # when: an engagement is recorded (the service wakes its worker)
            opened = {"community_id": community, "member_id": member, "content_id": items[0], "type": "OPEN"}
            await store.events.insert_events([{**opened, "occurred_at": now}])
            worker.wake()

            # then: it is derived at once, the impressions with it, each once
            async def all_counted() -> bool:
                return await counted(store, community, items) == [1] * SHOWN

            assert await until(all_counted, 3.0) < 1.0
            stats = await store.events.list_item_stats(community, [items[0]])
            assert stats[str(items[0])]["counts"].get("OPEN") == 1
    finally:
        await worker.stop()
