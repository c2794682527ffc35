"""The gateway's cheap operations counted for its heavy lane's child: the child's heavy steps pause for them."""

from __future__ import annotations

import asyncio
from pathlib import Path

from gateway.cost_lane import lane_for
from gateway.lane_signal import CheapCounts
from infra.call_gate import gated

HEAVY, CHEAP = 100, 1


def test_the_counts_written_by_one_mapping_are_read_by_another(tmp_path: Path) -> None:
    written = CheapCounts.publish(tmp_path / "counts")
    read = CheapCounts.follow(tmp_path / "counts")
    assert read.read() == (0, 0)
    written.write(7, 1)
    assert read.read() == (7, 1)
    written.close()
    read.close()


async def test_the_gateways_cheap_operations_are_published(tmp_path: Path) -> None:
    gateway = lane_for(threshold=HEAVY, slots=1, share=0.5)
    counts = CheapCounts.publish(tmp_path / "counts")
    gateway.pacer.publish(counts)
    async with gateway.admitted(CHEAP):
        assert counts.read() == (1, 1)
    assert counts.read() == (1, 0)
    gateway.pacer.publish(None)
    async with gateway.admitted(CHEAP):
        pass
    assert counts.read() == (1, 0)
    counts.close()


async def test_a_childs_heavy_step_pauses_when_its_gateway_ran_a_cheap_operation(tmp_path: Path) -> None:
    gateway = lane_for(threshold=HEAVY, slots=1, share=0.5)
    child = lane_for(threshold=HEAVY, slots=1, share=0.5)
    published = CheapCounts.publish(tmp_path / "counts")
    gateway.pacer.publish(published)
    child.pacer.follow(CheapCounts.follow(tmp_path / "counts"))

    async def step(cheap_meanwhile: bool) -> None:
        async def call() -> None:
            if cheap_meanwhile:
                async with gateway.admitted(CHEAP):
                    await asyncio.sleep(0)
            await asyncio.sleep(0.01)

        async with child.admitted(HEAVY):
            await gated(call)

    await step(cheap_meanwhile=False)
    assert (child.pacer.steps, child.pacer.pauses) == (1, 0)
    await step(cheap_meanwhile=True)
    assert (child.pacer.steps, child.pacer.pauses) == (2, 1)
    assert child.pacer.paused_seconds >= 0.01 * 0.9
