"""The crisis tick runs as a periodic task: a failing tick is logged and the loop carries on."""

from __future__ import annotations

from typing import Any, cast

from structlog.testing import capture_logs

from content_service.app import crisis_tick
from content_service.service.crisis import CrisisService
from infra.periodic import run_once


class _Failing:
    async def tick(self) -> Any:
        raise RuntimeError("database went away")


async def test_a_failing_tick_is_logged_and_does_not_raise() -> None:
    task = crisis_tick(cast(CrisisService, _Failing()))
    with capture_logs() as logs:
        ran = await run_once(task.name, task.job)
    assert (ran, [(entry["event"], entry["job"]) for entry in logs]) == (
        False,
        [("periodic_job_failed", "crisis-tick")],
    )
