"""The isolation benchmark's loop meter: loop time in a heavy operation's context is counted as heavy."""

from __future__ import annotations

import asyncio
import gc
import json
import time
from asyncio import events
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest

from benchmarks.loop_meter import LoopMeter, other_threads_cpu_seconds, run_delay_seconds
from gateway.cost_pacing import heavy_operation


def hold(seconds: float) -> None:
    until = time.perf_counter() + seconds
    while time.perf_counter() < until:
        pass


async def heavy_work() -> None:
    heavy_operation.set(True)  # this task's own context, as the cost lane sets it for a heavy operation
    await asyncio.sleep(0)
    hold(0.03)


async def cheap_work() -> None:
    await asyncio.sleep(0)


async def metered(tmp_path: Path, *work: Callable[[], Coroutine[Any, Any, None]]) -> dict[str, Any]:
    """The meter's line for these coroutines run together as tasks (the collector's callback on only while they
    run: the meter's own line is written with it off)."""
    meter = LoopMeter(str(tmp_path / "meter.jsonl"))
    meter.install()
    try:
        await asyncio.gather(*(asyncio.create_task(w()) for w in work))
    finally:
        gc.callbacks.remove(meter.on_gc)
    meter.write(time.perf_counter())
    meter.out.close()
    line: dict[str, Any] = json.loads((tmp_path / "meter.jsonl").read_text().splitlines()[-1])
    return line


async def test_heavy_callbacks_are_counted_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(events.Handle, "_run", events.Handle._run)  # restored after the test
    line = await metered(tmp_path, heavy_work, cheap_work)
    assert line["heavy_s"] >= 0.03
    assert line["longest_heavy_ms"] >= 30
    assert line["other_s"] < line["heavy_s"]


def busy(cpu_seconds: float) -> None:
    """Spin until this thread has run `cpu_seconds` (however often the machine takes the core away meanwhile)."""
    until = time.thread_time() + cpu_seconds
    while time.thread_time() < until:
        pass


def off_cpu(seconds: float) -> None:
    time.sleep(seconds)  # what waiting for the core or the GIL looks like to the loop


async def cheap_stall() -> None:
    await asyncio.sleep(0)
    busy(0.02)


async def test_the_longest_other_callback_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(events.Handle, "_run", events.Handle._run)  # restored after the test
    line = await metered(tmp_path, cheap_stall, cheap_work)
    assert line["longest_other_ms"] >= 20
    assert line["longest_other"] == "cheap_stall"
    assert line["longest_other_cpu_ms"] >= 19  # a busy stretch: the loop's thread ran through it
    assert line["heavy_s"] == 0


async def cheap_wait() -> None:
    await asyncio.sleep(0)
    off_cpu(0.02)


async def test_a_stall_spent_waiting_shows_little_cpu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(events.Handle, "_run", events.Handle._run)  # restored after the test
    line = await metered(tmp_path, cheap_wait)
    assert line["longest_other"] == "cheap_wait"
    assert line["longest_other_ms"] >= 20
    assert line["longest_other_cpu_ms"] < 10


async def collects() -> None:
    await asyncio.sleep(0)
    gc.collect()


async def test_collector_passes_are_timed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(events.Handle, "_run", events.Handle._run)  # restored after the test
    line = await metered(tmp_path, collects)
    assert line["gc_ms"] > 0
    assert line["longest_gc_generation"] == 2
    assert line["longest_gc_ms"] <= line["gc_ms"]


class _Cycle:
    other: object = None


async def collects_a_cycle() -> None:
    await asyncio.sleep(0)
    a, b = _Cycle(), _Cycle()
    a.other, b.other = b, a
    del a, b
    gc.collect()


async def test_passes_are_counted_by_generation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(events.Handle, "_run", events.Handle._run)  # restored after the test
    line = await metered(tmp_path, collects_a_cycle)
    assert line["gc_passes"][2] >= 1
    assert 0 < line["gc_ms_by_generation"][2] <= line["gc_ms"]
    assert line["gc_collected_by_generation"][2] >= 2  # the cycle's two objects


def test_the_threads_wait_for_a_core_is_read_from_the_kernel() -> None:
    first = run_delay_seconds()
    busy(0.01)
    assert first <= run_delay_seconds()  # a running total
    fields = Path("/proc/thread-self/schedstat").read_text().split()  # Linux, where the benchmarks run
    assert run_delay_seconds() >= int(fields[1]) / 1e9


async def test_each_line_has_the_loops_wait_for_a_core(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(events.Handle, "_run", events.Handle._run)  # restored after the test
    line = await metered(tmp_path, cheap_work)
    assert line["loop_run_delay_ms"] >= 0.0


async def worker_thread_work() -> None:
    await asyncio.to_thread(busy, 0.05)  # a ranking step's thread: CPU outside the loop's thread


async def test_each_line_has_the_other_threads_cpu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(events.Handle, "_run", events.Handle._run)  # restored after the test
    line = await metered(tmp_path, worker_thread_work)
    assert line["other_threads_cpu_ms"] >= 50
    assert other_threads_cpu_seconds() >= 0.05
