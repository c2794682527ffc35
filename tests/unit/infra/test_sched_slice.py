"""A process's time slice under EEVDF (infra/sched_slice.py), set in a child process so the tests keep theirs."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from infra.sched_slice import set_slice, slice_us

# Kernels before 6.12 have no slice of their own for a fair task to read back (0), other systems none at all.
pytestmark = pytest.mark.skipif(not slice_us(), reason="Linux 6.12+ (a fair task's slice)")


def child(setup: str) -> list[str]:
    """The slice and niceness a child process reads after `setup`."""
    code = f"import os\nfrom infra.sched_slice import set_slice, slice_us\n{setup}\nprint(slice_us(), os.nice(0))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.split()


def test_a_slice_set_is_read_back_and_the_niceness_kept() -> None:
    assert child("os.nice(5)\nassert set_slice(250)") == ["250", str(min(19, os.nice(0) + 5))]


def test_a_slice_of_zero_leaves_the_kernels() -> None:
    assert not set_slice(0)
    assert child("assert not set_slice(0)") == [str(slice_us()), str(os.nice(0))]
