"""The crisis tick loop logs a failing tick and carries on."""

from __future__ import annotations

from typing import Any, cast

from structlog.testing import capture_logs

from content_service.app import tick_once
from content_service.crisis.service import CrisisService


class _Failing:
    async def tick(self) -> Any:
        raise RuntimeError("database went away")


async def test_a_failing_tick_is_logged_and_does_not_raise() -> None:
    with capture_logs() as logs:
        ran = await tick_once(cast(CrisisService, _Failing()))
    assert (ran, [entry["event"] for entry in logs]) == (False, ["crisis_tick_failed"])
