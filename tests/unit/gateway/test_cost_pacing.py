"""Pacing in the cost lane: a heavy operation's service calls take turns and yield to cheap operations."""

from __future__ import annotations

import asyncio
import time

import pytest

from gateway.cost_lane import CostLane, lane_for
from gateway.cost_pacing import Pacer, heavy_operation
from infra.call_gate import call_gate, gated

HEAVY, CHEAP = 100, 1


def paced_lane(share: float = 0.5) -> CostLane:
    return lane_for(threshold=HEAVY, slots=1, share=share)


def hold(seconds: float) -> None:
    """The loop held (no await) for `seconds`, as a call's CPU work holds it."""
    until = time.perf_counter() + seconds
    while time.perf_counter() < until:
        pass


class Calls:
    """A fake service: records how many of its calls run at once, and the order of everything in `log`."""

    def __init__(self, log: list[str]) -> None:
        self.log = log
        self.now = 0
        self.most = 0

    async def call(self, name: str, *, hold_loop: float = 0.0) -> str:
        self.now += 1
        self.most = max(self.most, self.now)
        try:
            for _ in range(3):  # a call waits on I/O a few times
                await asyncio.sleep(0)
            if hold_loop:
                hold(hold_loop)  # and holds the loop a while (its CPU work)
            self.log.append(name)
            return name
        finally:
            self.now -= 1


async def heavy_operation_of(lane: CostLane, calls: Calls, steps: int, *, hold_loop: float = 0.0) -> list[str]:
    """What graphql-core does with aliased fields: every call started at once."""
    async with lane.admitted(HEAVY):
        return await asyncio.gather(
            *(gated(lambda n=n: calls.call(f"h{n}", hold_loop=hold_loop)) for n in range(steps))  # type: ignore[misc]
        )


async def cheap_client(lane: CostLane, log: list[str], until: asyncio.Event) -> int:
    """Cheap operations back to back, until told to stop: how many ran."""
    done = 0
    while not until.is_set():
        async with lane.admitted(CHEAP):
            log.append("c")
            done += 1
        await asyncio.sleep(0)
    return done


async def test_a_heavy_operations_calls_take_turns_one_at_a_time() -> None:
    lane, calls = paced_lane(), Calls([])
    answers = await heavy_operation_of(lane, calls, 5)
    assert answers == [f"h{n}" for n in range(5)]
    assert (calls.most, lane.pacer.steps) == (1, 5)


async def test_calls_outside_a_heavy_operation_are_not_gated() -> None:
    lane, calls = paced_lane(), Calls([])
    async with lane.admitted(CHEAP):
        await asyncio.gather(*(gated(lambda n=n: calls.call(f"c{n}")) for n in range(5)))  # type: ignore[misc]
    assert (calls.most, lane.pacer.steps) == (5, 0)


async def test_share_one_turns_pacing_off() -> None:
    lane, calls = paced_lane(share=1.0), Calls([])
    await heavy_operation_of(lane, calls, 5)
    assert (calls.most, lane.pacer.steps) == (5, 0)


async def test_alone_a_heavy_operation_never_pauses() -> None:
    lane = paced_lane()
    await heavy_operation_of(lane, Calls([]), 4)
    assert (lane.pacer.steps, lane.pacer.pauses) == (4, 0)


async def test_cheap_operations_run_between_the_steps_of_a_heavy_one() -> None:
    lane, log = paced_lane(), list[str]()
    calls = Calls(log)
    stop = asyncio.Event()
    cheap = asyncio.create_task(cheap_client(lane, log, stop))
    await asyncio.sleep(0)  # the cheap client is about before the heavy operation starts
    answers = await heavy_operation_of(lane, calls, 5, hold_loop=0.002)
    stop.set()
    served = await cheap
    assert answers == [f"h{n}" for n in range(5)]  # the heavy operation completed, every step answered
    assert (lane.pacer.steps, lane.pacer.pauses) == (5, 5)
    heavy_at = [i for i, entry in enumerate(log) if entry.startswith("h")]
    # Between any two heavy steps, cheap operations ran: the heavy one paused after each step that met them.
    for before, after in zip(heavy_at, heavy_at[1:], strict=False):
        assert "c" in log[before + 1 : after]
    assert served > 5


async def test_unpaced_steps_leave_the_cheap_ones_waiting() -> None:
    # The same operation unpaced: its calls run together, no cheap operation between them.
    lane, log = paced_lane(share=1.0), list[str]()
    calls = Calls(log)
    stop = asyncio.Event()
    cheap = asyncio.create_task(cheap_client(lane, log, stop))
    await asyncio.sleep(0)
    await heavy_operation_of(lane, calls, 5, hold_loop=0.002)
    stop.set()
    await cheap
    heavy_at = [i for i, entry in enumerate(log) if entry.startswith("h")]
    assert heavy_at == list(range(heavy_at[0], heavy_at[0] + 5))


async def test_a_call_inside_a_step_and_its_tasks_pass_straight_through() -> None:
    lane, calls = paced_lane(), Calls([])

    async def outer() -> list[str]:
        assert call_gate.get() is None
        assert heavy_operation.get()
        task = asyncio.create_task(gated(lambda: calls.call("task")))
        return [await gated(lambda: calls.call("nested")), await task]

    async with lane.admitted(HEAVY):
        assert call_gate.get() is not None
        answer = await gated(outer)
    assert answer == ["nested", "task"]
    assert lane.pacer.steps == 1
    assert call_gate.get() is None
    assert not heavy_operation.get()


async def test_a_failed_step_raises_at_once_and_frees_the_turn() -> None:
    lane, calls = paced_lane(), Calls([])

    async def fails() -> None:
        raise RuntimeError("service down")

    async with lane.admitted(CHEAP), lane.admitted(HEAVY):  # cheap work about: a passing step would pause
        with pytest.raises(RuntimeError, match="service down"):
            await gated(fails)
        assert await gated(lambda: calls.call("after")) == "after"
    assert (lane.pacer.steps, lane.pacer.pauses) == (1, 1)


def test_the_pause_leaves_heavy_steps_their_share() -> None:
    assert Pacer(0.25).pause_after(0.1) == pytest.approx(0.3)
    assert Pacer(0.5).pause_after(0.1) == pytest.approx(0.1)
    assert Pacer(1.0).pause_after(0.1) == 0
    with pytest.raises(ValueError, match="fraction"):
        Pacer(0)
