"""The gateway benchmarks' harness (benchmarks/gateway_harness.py): it starts a database server and a gateway
process, and leaves neither (nor anything they started) behind, whether the benchmark ends, fails or is stopped."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.gateway_calls import FEED
from benchmarks.gateway_harness import LOAD_CORE, database_server, running_gateway

pytestmark = pytest.mark.processes

# A benchmark's shape: the harness, then a long measurement that is cut short. Ctrl-C as a terminal delivers it:
# a test run started in the background (`make test &`, CI) hands its children SIGINT ignored, and Python then
# installs no KeyboardInterrupt for it, so the script restores the interactive default first.
BENCHMARK = """
import json, signal, time
signal.signal(signal.SIGINT, signal.default_int_handler)
from benchmarks.gateway_harness import database_server, running_gateway
with database_server() as server, running_gateway(server, "stop", items=2) as gateway:
    print(json.dumps([gateway.gateway_pid, server.pid]), flush=True)
    time.sleep(600)
"""


# A process as /proc knows it: its PID and its start time (a PID reused by a later process is another process).
Process = tuple[int, int]


def stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command's name (state first), or None once the PID is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None


def family(pids: list[int]) -> list[Process]:
    """The processes and every descendant of theirs now."""
    parents = {}
    for entry in Path("/proc").iterdir():
        fields = stat(int(entry.name)) if entry.name.isdigit() else None
        if fields is not None:
            parents[int(entry.name)] = int(fields[1])
    found = list(pids)
    for pid in found:  # grows as children are found
        found.extend(child for child, parent in parents.items() if parent == pid and child not in found)
    return [(pid, int(fields[19])) for pid in found if (fields := stat(pid)) is not None]


def survivors(processes: list[Process], wait: float = 10.0) -> list[Process]:
    """Those still running (the same process, not a zombie) after up to `wait` seconds."""

    def running(process: Process) -> bool:
        fields = stat(process[0])
        return fields is not None and int(fields[19]) == process[1] and fields[0] not in ("Z", "X")

    deadline = time.monotonic() + wait
    while (alive := [p for p in processes if running(p)]) and time.monotonic() < deadline:
        time.sleep(0.2)
    return alive


def fail_midway(started: list[Process]) -> None:
    """A benchmark that sets up, measures a little, notes what it started and fails."""
    with database_server() as server, running_gateway(server, "harness", items=2, warm=True) as gateway:
        assert os.sched_getaffinity(0) == {int(LOAD_CORE)}
        assert len(gateway.content) == 2
        items = gateway.platform.call(FEED, token=gateway.token)["feed"]["items"]
        assert {item["content"]["id"] for item in items} <= set(gateway.content)
        assert gateway.drain() >= 0
        gateway_cpu, server_cpu = gateway.cpu()
        assert gateway_cpu > 0  # a started gateway
        assert server_cpu > 0  # and a server that answered it
        started.extend(family([gateway.gateway_pid, server.pid]))
        raise RuntimeError("the benchmark failed")


def test_the_harness_serves_the_reader_and_stops_everything_when_the_benchmark_fails() -> None:
    affinity = os.sched_getaffinity(0)
    started: list[Process] = []
    with pytest.raises(RuntimeError, match="the benchmark failed"):
        fail_midway(started)
    assert len(started) >= 2
    assert survivors(started) == []
    assert os.sched_getaffinity(0) == affinity


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_benchmark_stopped_midway_leaves_no_process(stop: signal.Signals) -> None:
    benchmark = subprocess.Popen([sys.executable, "-c", BENCHMARK], stdout=subprocess.PIPE, text=True)
    started: list[Process] = []
    try:
        assert benchmark.stdout is not None
        line = benchmark.stdout.readline()
        assert line, "the benchmark ended before its gateway was ready"
        started = family(json.loads(line))
        benchmark.send_signal(stop)
        benchmark.wait(timeout=120)
        left = survivors(started)
    finally:
        if benchmark.poll() is None:
            benchmark.kill()
            benchmark.wait()
        if benchmark.stdout is not None:
            benchmark.stdout.close()
        # A failing run leaves nothing behind either (the checked survivors were taken before this).
        for pid, _ in survivors(started, wait=0):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    assert left == []
