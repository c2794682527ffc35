"""kill -9 of distribution, billing and the database in turn, under concurrent writes: what a client was told is
stored, once; the ledger balances; the outbox drains; the platform recovers with no manual step.

Counts only: the seconds (stall, recovery) are measured by `python -m benchmarks.faults`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.factories import Api
from tests.faults.harness import Community, Platform, api_on, community, exercise, verdict

pytestmark = pytest.mark.processes


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    running = Platform(tmp_path_factory.mktemp("faults"))
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
async def gateway(platform: Platform) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=20) as http:
        yield api_on(http)


@pytest.fixture(scope="module")
async def place(gateway: Api) -> Community:
    return await community(gateway, "faults", members=3)


@pytest.mark.parametrize("target", ["distribution", "billing", "database"])
async def test_a_kill_loses_and_repeats_nothing_acknowledged(
    platform: Platform, gateway: Api, place: Community, target: str
) -> None:
    fault = await exercise(platform, gateway, place, target, tag=target)
    result = await verdict(platform, gateway, place, fault.acks)

    assert result.acknowledged > 0
    assert result.lost == 0
    assert result.duplicated == 0
    assert result.replays_not_duplicate == 0
    assert result.unbalanced == 0
    assert result.outbox_pending == 0
    assert len(fault.acks.feeds) > 0
    assert result.impressions_counted_twice == 0
    assert result.impressions_uncounted == 0
    assert fault.acks.failures["INTERNAL"] == 0, fault.acks.failures
