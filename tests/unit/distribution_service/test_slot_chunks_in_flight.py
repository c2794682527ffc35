"""A slot run's chunks in flight: CHUNKS_IN_FLIGHT at once, and a shared gate bounds them across runs."""

from __future__ import annotations

import asyncio

from distribution_service.domain.honeycomb import Slot
from distribution_service.schemas import SlotRunRequest, SlotRunResult
from distribution_service.service.scheduled import CHUNK, run_in_chunks
from distribution_service.service.slots import CHUNKS_IN_FLIGHT


class InFlight:
    """A chunk runner that records how many chunks were running at once."""

    def __init__(self) -> None:
        self.now = 0
        self.most = 0
        self.members: list[str] = []

    async def run(self, request: SlotRunRequest) -> SlotRunResult:
        self.now += 1
        self.most = max(self.most, self.now)
        await asyncio.sleep(0.001)
        self.now -= 1
        self.members += request.member_ids
        counts = dict.fromkeys(SlotRunResult.model_fields, 0)
        return SlotRunResult(**{**counts, "delivered": len(request.member_ids)})


def members(n: int, offset: int = 0) -> list[str]:
    return [f"{k + offset:024x}" for k in range(n)]


def test_a_run_keeps_chunks_in_flight_up_to_the_limit_and_runs_every_member_once() -> None:
    runner = InFlight()
    wanted = members(CHUNK * 7 + 13)
    result = asyncio.run(run_in_chunks(wanted, runner.run, slot=Slot.EVENING, day="2030-01-01", top_k=5))
    assert result.delivered == len(wanted)
    assert sorted(runner.members) == sorted(wanted)
    assert runner.most == CHUNKS_IN_FLIGHT


def test_runs_sharing_a_gate_keep_the_limit_between_them() -> None:
    runner = InFlight()

    async def two_partitions() -> list[SlotRunResult]:
        gate = asyncio.Semaphore(CHUNKS_IN_FLIGHT)
        return await asyncio.gather(
            *(
                run_in_chunks(
                    members(CHUNK * 6, offset=i * 10_000),
                    runner.run,
                    slot=Slot.EVENING,
                    day="2030-01-01",
                    top_k=5,
                    gate=gate,
                )
                for i in range(2)
            )
        )

    results = asyncio.run(two_partitions())
    assert [r.delivered for r in results] == [CHUNK * 6, CHUNK * 6]
    assert runner.most == CHUNKS_IN_FLIGHT
    assert len(set(runner.members)) == CHUNK * 12
