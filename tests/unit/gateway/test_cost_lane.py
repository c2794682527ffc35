"""The cost lane: heavy operations run at most `slots` at a time, in arrival order; cheap ones never wait."""

from __future__ import annotations

import asyncio

from gateway.cost_lane import CostLane, lane_for


async def hold(cost: int, lane: CostLane, entered: asyncio.Event, leave: asyncio.Event) -> None:
    async with lane.admitted(cost):
        entered.set()
        await leave.wait()


async def test_a_second_heavy_operation_waits_for_the_first() -> None:
    lane = lane_for(threshold=100, slots=1)
    first_in, second_in, release = asyncio.Event(), asyncio.Event(), asyncio.Event()
    first = asyncio.create_task(hold(100, lane, first_in, release))
    await first_in.wait()
    second = asyncio.create_task(hold(500, lane, second_in, asyncio.Event()))
    for _ in range(5):  # the second task runs up to the lane's semaphore and waits there
        await asyncio.sleep(0)
    assert (lane.running, lane.waiting, second_in.is_set()) == (1, 1, False)
    release.set()
    await first
    await second_in.wait()
    assert (lane.running, lane.waiting, lane.peak) == (1, 0, 1)
    second.cancel()
    await asyncio.gather(second, return_exceptions=True)
    assert lane.running == 0


async def test_cheap_operations_pass_a_full_lane() -> None:
    lane = lane_for(threshold=100, slots=1)
    held, release = asyncio.Event(), asyncio.Event()
    heavy = asyncio.create_task(hold(100, lane, held, release))
    await held.wait()
    async with lane.admitted(99):
        assert lane.running == 1
    release.set()
    await heavy


async def test_zero_slots_turn_the_lane_off() -> None:
    lane = lane_for(threshold=1, slots=0)
    assert not lane.is_heavy(10_000)
    async with lane.admitted(10_000), lane.admitted(10_000):
        assert lane.peak == 0
