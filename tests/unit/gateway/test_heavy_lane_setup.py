"""The heavy lane's child's scheduling, set in the forked child before it runs (gateway/heavy_lane.py)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from gateway.heavy_lane import _child_setup

pytestmark = pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="Linux's scheduling policies")

READ = "import os; print(os.sched_getscheduler(0), os.nice(0))"


def child(nice: int, *, idle: bool) -> list[int]:
    """The policy and niceness a child started with `_child_setup(nice, idle)` reads."""
    done = subprocess.run(
        [sys.executable, "-c", READ],
        preexec_fn=lambda: _child_setup(nice, idle),
        capture_output=True,
        text=True,
        check=True,
    )
    return [int(word) for word in done.stdout.split()]


def test_the_child_keeps_the_normal_policy_at_its_niceness_by_default() -> None:
    assert child(3, idle=False) == [os.SCHED_OTHER, min(19, os.nice(0) + 3)]


def test_heavy_lane_sched_idle_puts_the_child_under_sched_idle() -> None:
    assert child(3, idle=True) == [os.SCHED_IDLE, min(19, os.nice(0) + 3)]
