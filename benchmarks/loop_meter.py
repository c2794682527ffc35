"""The gateway with its event loop metered: how much of each second the loop spends on heavy operations' work.

    LOOP_METER_FILE=meter.jsonl python -m benchmarks.loop_meter

runs `python -m gateway` with every loop callback timed and counted as heavy when it runs in the context of an
operation the cost lane executes as heavy (gateway/cost_pacing.py `heavy_operation`: its resolvers, its service
calls and what they start), and appends one JSON line per second to LOOP_METER_FILE: `heavy_s` and `other_s` (loop
seconds spent on each in that second), `longest_heavy_ms` (the longest single heavy callback: how long a cheap
request could wait behind one stretch of it), and `longest_other_ms` with what it ran (`longest_other`: the task's
coroutine or the callback) and the loop thread's CPU time in it (`longest_other_cpu_ms`: much less than its length
when the thread waited, for the core or for the GIL), the longest of the rest: what stalls the loop when no heavy
operation runs; and the collector's passes: `gc_ms` in all, `longest_gc_ms` and its `longest_gc_generation`, and
by generation (young, middle, full) `gc_passes`, `gc_ms_by_generation` and `gc_collected_by_generation` (the
unreachable objects each generation's passes freed: cyclic garbage); and `loop_run_delay_ms`, the time the loop's
thread waited for a core (what is left of its off-CPU time waited for the GIL or in a blocking call); and
`other_threads_cpu_ms`, the CPU time of the process's other threads (ranking's worker threads) in that second: on
one core, time the loop's thread may wait behind. The database is not in it. benchmarks/hot_path.py's
`--loop-meter` runs its isolation phase on such a gateway and sums the lines.
"""

from __future__ import annotations

import gc
import json
import os
import time
from asyncio import events
from typing import Any

from gateway.cost_pacing import heavy_operation


class LoopMeter:
    """Loop seconds by kind, one line per second written by the loop itself (between two callbacks)."""

    def __init__(self, path: str) -> None:
        self.out = open(path, "a", encoding="utf-8")  # noqa: SIM115 - open for the process's life
        self.heavy = 0.0
        self.other = 0.0
        self.longest_heavy = 0.0
        self.longest_other = 0.0
        self.longest_other_cpu = 0.0
        self.longest_other_name = ""
        # Collector passes in the process (any thread: a pass holds the GIL, so the loop waits for it too).
        self.gc = 0.0
        self.longest_gc = 0.0
        self.longest_gc_generation = -1
        # Passes and their seconds by generation (0, 1, 2): how often a full pass ran, and what it took in all.
        self.gc_passes = [0, 0, 0]
        self.gc_by_generation = [0.0, 0.0, 0.0]
        self.gc_collected = [0, 0, 0]
        self._gc_started = 0.0
        self.next_line = time.perf_counter() + 1.0
        self.run_delay = run_delay_seconds()
        self.other_threads_cpu = other_threads_cpu_seconds()

    def on_gc(self, phase: str, info: dict[str, Any]) -> None:
        """A `gc.callbacks` entry: each pass timed, by generation."""
        if phase == "start":
            self._gc_started = time.perf_counter()
            return
        took = time.perf_counter() - self._gc_started
        generation = int(info.get("generation", -1))
        self.gc += took
        if 0 <= generation < len(self.gc_passes):
            self.gc_passes[generation] += 1
            self.gc_by_generation[generation] += took
            self.gc_collected[generation] += int(info.get("collected", 0))
        if took > self.longest_gc:
            self.longest_gc = took
            self.longest_gc_generation = generation

    def install(self) -> None:
        gc.callbacks.append(self.on_gc)
        run = events.Handle._run
        meter = self

        def timed_run(handle: Any) -> None:
            started = time.perf_counter()
            started_cpu = time.thread_time()
            try:
                run(handle)
            finally:
                ended = time.perf_counter()
                context = handle._context
                if context is not None and context.get(heavy_operation, False):
                    meter.heavy += ended - started
                    meter.longest_heavy = max(meter.longest_heavy, ended - started)
                else:
                    meter.other += ended - started
                    if ended - started > meter.longest_other:
                        meter.longest_other = ended - started
                        meter.longest_other_cpu = time.thread_time() - started_cpu
                        meter.longest_other_name = callback_name(handle)
                if ended >= meter.next_line:
                    meter.write(ended)

        events.Handle._run = timed_run  # type: ignore[method-assign,assignment]

    def write(self, now: float) -> None:
        delay = run_delay_seconds()
        other_threads = other_threads_cpu_seconds()
        line = {
            "at": round(time.time(), 3),
            "heavy_s": round(self.heavy, 4),
            "other_s": round(self.other, 4),
            "longest_heavy_ms": round(self.longest_heavy * 1000, 2),
            "longest_other_ms": round(self.longest_other * 1000, 2),
            "longest_other": self.longest_other_name,
            "longest_other_cpu_ms": round(self.longest_other_cpu * 1000, 2),
            "gc_ms": round(self.gc * 1000, 2),
            "longest_gc_ms": round(self.longest_gc * 1000, 2),
            "longest_gc_generation": self.longest_gc_generation,
            "gc_passes": self.gc_passes,
            "gc_ms_by_generation": [round(took * 1000, 2) for took in self.gc_by_generation],
            "gc_collected_by_generation": self.gc_collected,
            # Seconds the loop's thread was ready to run but waited for a core (the kernel's schedstat): waiting for
            # the GIL is not in it (the thread sleeps), so the rest of a stall's off-CPU time is that.
            "loop_run_delay_ms": round((delay - self.run_delay) * 1000, 2),
            "other_threads_cpu_ms": round((other_threads - self.other_threads_cpu) * 1000, 2),
        }
        self.run_delay = delay
        self.other_threads_cpu = other_threads
        self.out.write(json.dumps(line) + "\n")
        self.out.flush()
        self.heavy = self.other = self.longest_heavy = self.longest_other = self.longest_other_cpu = 0.0
        self.longest_other_name = ""
        self.gc = self.longest_gc = 0.0
        self.longest_gc_generation = -1
        self.gc_passes = [0, 0, 0]
        self.gc_by_generation = [0.0, 0.0, 0.0]
        self.gc_collected = [0, 0, 0]
        self.next_line = now + 1.0


def run_delay_seconds() -> float:
    """The calling thread's time spent runnable but waiting for a core, from /proc (Linux); 0 where unreadable."""
    try:
        with open("/proc/thread-self/schedstat", encoding="ascii") as stat:
            return int(stat.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def other_threads_cpu_seconds() -> float:
    """CPU seconds of the process's threads other than the calling one (the loop's), so far: ranking's worker
    threads, the collector in them, the driver's monitor threads."""
    return time.process_time() - time.thread_time()


def callback_name(handle: Any) -> str:
    """What a loop callback runs: the task's coroutine, or the callback's qualified name."""
    callback = getattr(handle, "_callback", None)
    task = getattr(callback, "__self__", None)
    coroutine = getattr(task, "get_coro", lambda: None)()
    target = coroutine if coroutine is not None else callback
    return str(getattr(target, "__qualname__", type(target).__name__))


def main() -> None:
    from gateway.__main__ import main as gateway_main

    LoopMeter(os.environ["LOOP_METER_FILE"]).install()
    gateway_main()


if __name__ == "__main__":
    main()
