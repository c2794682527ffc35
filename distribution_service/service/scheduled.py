"""Golden-slot runs: a run of one slot for one community in chunks of members, and the tick that the service's
periodic task fires every minute (distribution_service/app.py) to run every slot due in each active community's
own timezone. `python -m distribution_service.slots` runs the same chunks once, for a cron."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bson import ObjectId

from distribution_service.domain.honeycomb import Slot
from distribution_service.domain.schedule import due_slots
from distribution_service.schemas import SlotRunRequest, SlotRunResult
from distribution_service.service.ranker import FeedRanker
from distribution_service.service.slots import ACTIVE_DAYS, CHUNKS_IN_FLIGHT, SlotsService
from distribution_service.service.slots_gc import older_objects_frozen
from distribution_service.store import DistributionStore
from infra.logging import get_logger

log = get_logger(__name__)
# Members per run_slot call: one shared candidate pool and a few batched round trips each.
CHUNK = 200


async def run_in_chunks(
    member_ids: list[str],
    run: Callable[[SlotRunRequest], Awaitable[SlotRunResult]],
    *,
    slot: Slot,
    day: str,
    top_k: int,
    gate: asyncio.Semaphore | None = None,
) -> SlotRunResult:
    """`run` over the members CHUNK at a time, CHUNKS_IN_FLIGHT at once (one chunk ranks in its worker thread
    while others read or write), the results summed; the process's older objects frozen out of the collector's
    passes meanwhile (service/slots_gc.py). `gate`, shared by the runs of one process (a partition's run beside
    another's), bounds the chunks in flight across all of them."""
    requests = [
        SlotRunRequest(slot=slot, member_ids=member_ids[lo : lo + CHUNK], day=day, top_k=top_k)
        for lo in range(0, len(member_ids), CHUNK)
    ]
    totals = dict.fromkeys(SlotRunResult.model_fields, 0)

    async def worker() -> None:
        while requests:
            request = requests.pop(0)
            if gate is None:
                result = await run(request)
            else:
                async with gate:
                    result = await run(request)
            for key, value in result.model_dump().items():
                totals[key] += value

    with older_objects_frozen():
        await asyncio.gather(*(worker() for _ in range(CHUNKS_IN_FLIGHT)))
    return SlotRunResult(**totals)


async def run_slot_for_community(
    slots: SlotsService,
    cid: ObjectId,
    slot: Slot,
    *,
    day: str,
    top_k: int,
    partition_index: int = 0,
    partitions: int = 1,
) -> SlotRunResult:
    members = await slots.slot_members(cid, partition_index=partition_index, partitions=partitions)

    async def run(request: SlotRunRequest) -> SlotRunResult:
        return await slots.run_slot(cid, request)

    return await run_in_chunks(members.member_ids, run, slot=slot, day=day, top_k=top_k, gate=slots.chunk_gate)


class SlotScheduler:
    def __init__(
        self,
        store: DistributionStore,
        slots: SlotsService,
        ranker: FeedRanker,
        *,
        window_minutes: int,
        top_k: int,
    ) -> None:
        self.store = store
        self.slots = slots
        self.ranker = ranker
        self.window_minutes = window_minutes
        self.top_k = top_k

    async def tick(self, now: datetime | None = None) -> dict[tuple[str, Slot], SlotRunResult]:
        """Run every slot that is due in each active community's own timezone. Idempotent within the window: a
        re-run delivers nothing twice ((member, slot, local day) is unique), so repeated ticks are harmless."""
        now = now or datetime.now(UTC)
        runs: dict[tuple[str, Slot], SlotRunResult] = {}
        for cid in await self.store.events.list_active_communities(now - timedelta(days=ACTIVE_DAYS)):
            local = now.astimezone(ZoneInfo(await self.ranker.timezone(cid)))
            for slot in due_slots(local.replace(tzinfo=None), self.slots.clocks, window_minutes=self.window_minutes):
                result = await run_slot_for_community(
                    self.slots, cid, slot, day=local.date().isoformat(), top_k=self.top_k
                )
                runs[(str(cid), slot)] = result
                log.info("slot_run", community_id=str(cid), slot=slot.value, **result.model_dump())
        return runs
