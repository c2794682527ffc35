"""The isolation benchmark waits for a quiet gateway and database before each timed run (benchmarks/isolation.py)."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks import isolation
from benchmarks.isolation import Watched


class Scripted(Watched):
    """CPU seconds (gateway, database) read from a script instead of /proc, one reading per call."""

    def __init__(self, readings: list[tuple[float, float]]) -> None:
        super().__init__(gateway_pid=1, database_pid=2)
        object.__setattr__(self, "_readings", iter(readings))

    def cpu_seconds(self) -> tuple[float, float]:
        readings: Iterator[tuple[float, float]] = self._readings  # type: ignore[attr-defined]
        return next(readings)


def no_sleep(seconds: float) -> None:
    assert seconds == 1.0


def test_waits_while_the_database_works_with_no_request() -> None:
    # Two windows with the database at half a core (its storage engine's eviction), then a quiet one.
    watched = Scripted([(0.0, 0.0), (0.01, 0.5), (0.01, 0.5), (0.02, 1.0), (0.02, 1.0), (0.03, 1.01)])
    waited = watched.quiet(sleep=no_sleep)
    assert waited is not None
    # The third window was the quiet one: every reading was taken, none beyond.
    assert next(watched._readings, None) is None  # type: ignore[attr-defined]


def test_a_busy_gateway_is_not_quiet() -> None:
    watched = Scripted([(0.0, 0.0), (0.3, 0.0), (0.3, 0.0), (0.32, 0.01)])
    assert watched.quiet(sleep=no_sleep) is not None
    assert next(watched._readings, None) is None  # type: ignore[attr-defined]


def test_gives_up_after_the_limit() -> None:
    readings = [(0.0, float(k) / 2) for k in range(20)]  # the database at half a core throughout
    watched = Scripted(readings)
    assert watched.quiet(limit=5.0, sleep=no_sleep) is None
    # Five windows, two readings each, and nothing more.
    assert len(list(watched._readings)) == 10  # type: ignore[attr-defined]


def test_without_processes_it_does_not_wait() -> None:
    assert Watched().quiet(sleep=no_sleep) == 0.0


def test_the_first_run_waits_for_a_settled_gateway() -> None:
    waits: list[float] = []
    this_process = Watched(gateway_pid=os.getpid())
    assert this_process.gateway_settled(0.0, sleep=waits.append) == 0.0
    assert waits == []
    # A process younger than asked: the rest of the age is waited.
    age = float(Path("/proc/uptime").read_text().split()[0])  # more than this process's age
    waited = this_process.gateway_settled(age + 5.0, sleep=waits.append)
    assert waits == [pytest.approx(waited, abs=0.1)]
    assert 5.0 <= waited <= age + 5.0


def test_the_gateway_resident_memory_is_read() -> None:
    assert Watched().gateway_rss_mb() is None
    resident = Watched(gateway_pid=os.getpid()).gateway_rss_mb()
    assert resident is not None
    assert resident > 1.0  # a Python process holds more than a megabyte


def test_a_soak_samples_the_gateway_memory_through_the_loaded_run(monkeypatch: pytest.MonkeyPatch) -> None:
    def loaded(base: str, token: str, seconds: int) -> tuple[dict[str, float], list[float]]:
        time.sleep(0.2)
        return {"rps": 1.0}, [500.0, 600.0]

    monkeypatch.setattr(isolation, "loaded_run", loaded)
    figures = isolation.soak("http://gateway", "token", 1, Watched(gateway_pid=os.getpid()), every=0.02)
    samples = figures["soak_gateway_rss_mb"]
    assert len(samples) >= 4  # before, several during, after
    first, last, most = figures["soak_gateway_rss_mb_first_last_max"]
    assert (first, last) == (samples[0], samples[-1])
    assert most == max(samples)
    assert figures["soak_max_cost_queries_completed"] == 2


def test_names_the_scheduling_a_process_runs_with() -> None:
    # A child lowered to SCHED_BATCH at niceness 7 (lowering needs no privilege), as the database server's wrapper does.
    def lowered() -> None:
        os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
        os.setpriority(os.PRIO_PROCESS, 0, max(7, os.getpriority(os.PRIO_PROCESS, 0)))

    child = subprocess.Popen(["sleep", "5"], preexec_fn=lowered)  # noqa: PLW1509 - test only, no threads involved
    try:
        assert isolation.priority(child.pid) == f"batch, nice {max(7, os.getpriority(os.PRIO_PROCESS, 0))}"
        assert isolation.priority(os.getpid()).startswith("normal, nice ")
    finally:
        child.kill()
        child.wait()


def test_a_feed_probes_figures_are_never_named_as_the_issues() -> None:
    figures = {"typename_p99_loaded_vs_idle_median": 1.5, "typename_idle_c8": {"rps": 1.0}, "isolation_rounds": 3}
    assert isolation.probe_keys(figures, "typename") == figures
    assert isolation.probe_keys(figures, "feed") == {
        "feed_probe_p99_loaded_vs_idle_median": 1.5,
        "feed_probe_idle_c8": {"rps": 1.0},
        "isolation_rounds": 3,
    }
    assert isolation.PROBES["feed"].startswith("{ feed(")
