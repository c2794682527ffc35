"""Golden-slot runs: the job that the in-process scheduler (APScheduler) fires every minute, and that
`python -m distribution_service.slots` runs once for a cron. Both call the same service flow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from distribution_service.domain.honeycomb import Slot
from distribution_service.domain.schedule import due_slots
from distribution_service.schemas import SlotRunRequest, SlotRunResult
from distribution_service.service import ACTIVE_DAYS, DistributionService
from infra.logging import get_logger

log = get_logger(__name__)
CHUNK = 200


async def run_slot_for_community(
    service: DistributionService,
    community_id: str,
    slot: Slot,
    *,
    day: str,
    top_k: int,
    partition_index: int = 0,
    partitions: int = 1,
) -> SlotRunResult:
    members = await service.slot_members(community_id, partition_index=partition_index, partitions=partitions)
    totals = dict.fromkeys(SlotRunResult.model_fields, 0)
    for lo in range(0, len(members.member_ids), CHUNK):
        request = SlotRunRequest(slot=slot, member_ids=members.member_ids[lo : lo + CHUNK], day=day, top_k=top_k)
        result = await service.run_slot(community_id, request)
        for key, value in result.model_dump().items():
            totals[key] += value
    return SlotRunResult(**totals)


class SlotScheduler:
    def __init__(self, service: DistributionService, *, window_minutes: int, top_k: int) -> None:
        self.service = service
        self.window_minutes = window_minutes
        self.top_k = top_k
        self._scheduler: object | None = None

    async def tick(self, now: datetime | None = None) -> dict[tuple[str, Slot], SlotRunResult]:
        """Run every slot that is due in each active community's own timezone (idempotent within the window)."""
        now = now or datetime.now(UTC)
        runs: dict[tuple[str, Slot], SlotRunResult] = {}
        for community_id in await self.service.store.list_active_communities(now - timedelta(days=ACTIVE_DAYS)):
            local = now.astimezone(ZoneInfo(await self.service.ranker.timezone(community_id)))
            for slot in due_slots(local.replace(tzinfo=None), self.service.slots, window_minutes=self.window_minutes):
                result = await run_slot_for_community(
                    self.service, community_id, slot, day=local.date().isoformat(), top_k=self.top_k
                )
                runs[(community_id, slot)] = result
                log.info("slot_run", community_id=community_id, slot=slot.value, **result.model_dump())
        return runs

    def start(self) -> None:
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        scheduler = AsyncIOScheduler(timezone="UTC")
        # One run at a time; a tick missed while the process was busy is merged into the next.
        scheduler.add_job(self.tick, "interval", minutes=1, id="golden_slots", max_instances=1, coalesce=True)
        scheduler.start()
        self._scheduler = scheduler

    def shutdown(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)  # type: ignore[attr-defined]
            self._scheduler = None

    @property
    def running(self) -> bool:
        return self._scheduler is not None
