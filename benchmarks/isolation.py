"""The isolation figure of benchmarks/hot_path.py: `{ __typename }` p99 while maximum-cost queries run, vs idle.

    python -m benchmarks.hot_path --isolation-only [--seconds 10] [--isolation-rounds 3] [--loop-meter]

Besides the p99 ratio (the issue's goal), each round says what the two processes on the platform's core spent:
CPU seconds of the gateway and of the database server during the idle and the loaded run (`isolation_cpu_rounds`),
`{ __typename }` requests/s loaded vs idle (`typename_rps_loaded_vs_idle_rounds`: much steadier than a p99 on a
shared machine), and with `--loop-meter` (the gateway run by benchmarks/loop_meter.py) the share of the loaded run's
seconds the gateway's event loop spent on the maximum-cost queries' own work (`heavy_loop_share_rounds`) and the
longest single stretch of it (`longest_heavy_callback_ms_rounds`), and the longest loop callback of the rest in
each round's idle and loaded run, with what it ran and the collector's passes (full ones apart) in the run
(`longest_other_callback_rounds`); and the gateway's resident memory before the first round and after each loaded
run (`isolation_gateway_rss_mb`). `soak` is one long loaded run with that memory sampled (`--isolation-soak`).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from benchmarks.gateway_calls import FEED
from benchmarks.gateway_harness import TYPENAME, ratio, wrk

# Idle/loaded alternations of the isolation figure (--isolation-rounds): the median of their ratios is reported.
ISOLATION_ROUNDS = 3
# Quiet, before each timed run: the gateway and the database server each spent at most this share of a core over
# QUIET_WINDOW_SECONDS (an idle gateway polls its outboxes: ~0.01-0.02), waited for up to QUIET_LIMIT_SECONDS.
QUIET_CPU_SHARE = 0.05
QUIET_WINDOW_SECONDS = 1.0
QUIET_LIMIT_SECONDS = 180.0
# The gateway's age before the first timed run: past its second freeze of the collector (GC_FREEZE_AFTER_SECONDS,
# 30 s by default; infra/gc_pause.py), before which its full collections walk the ranking stack it loaded after start.
GATEWAY_SETTLED_SECONDS = 40.0


@dataclass(frozen=True)
class Watched:
    """What the rounds measure besides wrk: the two processes' CPU, and the gateway's loop meter file if any."""

    gateway_pid: int | None = None
    database_pid: int | None = None
    loop_meter: Path | None = None
    # A second gateway the heavy client is pointed at (`--isolation-heavy-gateway-nice`), or the gateway's
    # heavy-lane child (HEAVY_LANE_PROCESS), if any: its CPU is counted apart.
    heavy_gateway_pid: int | None = None

    def cpu_seconds(self) -> tuple[float, float]:
        return _cpu(self.gateway_pid), _cpu(self.database_pid)

    def all_cpu_seconds(self) -> tuple[float, ...]:
        """The gateway's, the database server's and the heavy gateway's CPU seconds (0 without one)."""
        return (*self.cpu_seconds(), _cpu(self.heavy_gateway_pid))

    def gateway_rss_mb(self) -> float | None:
        """The gateway's resident memory (MB), from /proc: whether what the collector leaves grows round by round."""
        return rss_mb(self.gateway_pid)

    def gateway_settled(
        self, seconds: float = GATEWAY_SETTLED_SECONDS, sleep: Callable[[float], None] = time.sleep
    ) -> float:
        """Wait until the gateway process is `seconds` old; the seconds waited (0 when it is older already)."""
        if self.gateway_pid is None:
            return 0.0
        wait = max(0.0, seconds - _age(self.gateway_pid))
        if wait:
            sleep(wait)
        return round(wait, 1)

    def quiet(
        self,
        *,
        share: float = QUIET_CPU_SHARE,
        window: float = QUIET_WINDOW_SECONDS,
        limit: float = QUIET_LIMIT_SECONDS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> float | None:
        """Wait until neither process spends more than `share` of a core over a `window`: what an earlier run left
        (its queued requests, the platform's work after them) is done before the next run is timed. The seconds it
        took, or None when `limit` passed first (the run then meets that work, and the figure says so)."""
        started = time.monotonic()
        for _ in range(max(1, round(limit / window))):
            before = self.all_cpu_seconds()
            sleep(window)
            after = self.all_cpu_seconds()
            if all(b - a <= share * window for a, b in zip(before, after, strict=True)):
                return round(time.monotonic() - started, 1)
        return None


def rss_mb(pid: int | None) -> float | None:
    """A process's resident memory (MB), from /proc."""
    if pid is None:
        return None
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def _age(pid: int) -> float:
    """Seconds since the process started, from /proc (its start time in clock ticks after boot)."""
    started = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]) / os.sysconf("SC_CLK_TCK")
    return float(Path("/proc/uptime").read_text().split()[0]) - started


def _cpu(pid: int | None) -> float:
    """The process's CPU seconds (user and system) from /proc (Linux, where these benchmarks run)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


POLICY_NAMES = {0: "normal", 3: "batch", 5: "idle"}


def priority(pid: int) -> str:
    """The process's scheduling policy and niceness as the kernel has them (/proc stat fields 41 and 19), e.g.
    `batch, nice 0`: what SECANTUS_SCHEDULING and SECANTUS_NICE gave the database server."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    policy = int(fields[38])
    return f"{POLICY_NAMES.get(policy, str(policy))}, nice {int(fields[16])}"


def listening_pid(base: str) -> int | None:
    """The gateway process serving `base` (the process whose environment names its port, not its child's)."""
    wanted = f"GATEWAY_PORT={base.rsplit(':', 1)[1]}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            # Not the gateway's heavy-lane child (gateway/heavy_lane.py), which inherits its environment.
            child = any(line.startswith(b"HEAVY_LANE_SOCKET=") for line in environ)
            if wanted in environ and not child and b"-m" in (entry / "cmdline").read_bytes():
                return int(entry.name)
        except OSError:
            continue
    return None


def isolation(
    base: str,
    token: str,
    seconds: int,
    drain: Callable[[], float],
    rounds: int = ISOLATION_ROUNDS,
    watched: Watched | None = None,
    heavy_base: str | None = None,
    probe: str = TYPENAME,
) -> dict[str, Any]:
    """`{ __typename }` p99 at 8 connections while maximum-cost queries run back to back, vs idle (`probe`: another
    query measured instead, `--isolation-probe`).

    Idle and loaded alternate `rounds` times (idle, loaded, idle, loaded, ..., idle), each loaded run compared with
    the idle run right before it: a single pair moves with whatever else the machine does in those seconds, the
    median of the rounds' ratios much less. The first round's figures keep their keys (`typename_p99_loaded_vs_idle`
    and the rest); `typename_p99_loaded_vs_idle_rounds` lists every round's ratio and
    `typename_p99_loaded_vs_idle_median` is their median. Each idle run follows a drained ingest backlog (the
    impressions the heavy queries wrote, derived), and every timed run, idle and loaded alike, starts once the
    gateway and the database server are quiet (`Watched.quiet`; the seconds waited before each run in
    `isolation_quiet_wait_seconds`, None where it gave up): after a full run's writes the in-memory database's
    storage engine went on working with no request in flight (WiredTiger's eviction threads, ~0.5 of the core for
    tens of seconds), which one idle run met and the next did not. The first run also waits until the gateway is
    GATEWAY_SETTLED_SECONDS old (`isolation_gateway_settle_seconds`): `--isolation-only` runs met it before its
    second freeze of the collector in their first round, with idle and loaded p99 2-5x the later rounds'. So idle
    and loaded meet the same machine; the idle run after the last round (`..._idle_after_ms`: the first round's)
    says how far idle itself moves. The neighbour says how many maximum-cost queries it completed (the one in flight
    at the window's end included), the median time each took and the slowest. `heavy_base`: the neighbour asks that
    gateway (a second process on the same database, `--isolation-heavy-gateway-nice`) instead of `base`.
    """
    watched = watched or Watched()
    figures: dict[str, Any] = {"isolation_drain_seconds": drain()}
    if watched.gateway_pid is not None:
        figures["isolation_gateway_settle_seconds"] = watched.gateway_settled()
    # Seconds waited for quiet before each timed run (the first idle run, then each round's loaded and idle run).
    waits: list[float | None] = [watched.quiet()]
    idle_start = time.time()
    idle, idle_cpu = _measured(watched, lambda: wrk(base, token, {"query": probe}, connections=8, seconds=seconds))
    played: list[tuple[dict[str, float], dict[str, float], dict[str, float], list[float]]] = []
    cpu_rounds: list[dict[str, float]] = []
    shares: list[float | None] = []
    longest: list[float | None] = []
    # The longest loop callback of the rest (not the heavy queries' work) in each round's idle and loaded run.
    stalls: list[dict[str, Any]] = []
    # The machine's 1-minute load average as each loaded run starts: how much else shared the two cores.
    loads: list[float] = []
    # The gateway's resident memory before the first round and after each loaded run (and the heavy gateway's).
    rss: list[float | None] = [watched.gateway_rss_mb()]
    heavy_rss: list[float | None] = [rss_mb(watched.heavy_gateway_pid)]
    for _ in range(max(1, rounds)):
        waits.append(watched.quiet())
        loads.append(round(os.getloadavg()[0], 2))
        window_start = time.time()
        (loaded, took), loaded_cpu = _measured(watched, lambda: loaded_run(base, token, seconds, heavy_base, probe))
        rss.append(watched.gateway_rss_mb())
        heavy_rss.append(rss_mb(watched.heavy_gateway_pid))
        meter = _metered(watched.loop_meter, window_start, window_start + seconds)
        shares.append(meter[0])
        longest.append(meter[1])
        stalls.append(
            {
                **_stall("idle", watched.loop_meter, idle_start, idle_start + seconds),
                **_stall("loaded", watched.loop_meter, window_start, window_start + seconds),
            }
        )
        cpu_rounds.append({**_named("idle", idle_cpu), **_named("loaded", loaded_cpu)})
        drain()  # the impressions the heavy queries wrote, derived before idle is measured again
        waits.append(watched.quiet())
        idle_start = time.time()
        after, after_cpu = _measured(
            watched, lambda: wrk(base, token, {"query": probe}, connections=8, seconds=seconds)
        )
        played.append((idle, loaded, after, took))
        idle, idle_cpu = after, after_cpu
    idle, loaded, after, took = played[0]
    figures["typename_idle_c8"] = idle
    figures["typename_under_max_cost_c8"] = loaded
    figures["max_cost_queries_completed"] = len(took)
    figures["max_cost_query_ms_median"] = round(statistics.median(took), 1) if took else None
    figures["typename_p99_idle_ms"] = idle.get("p99_ms")
    figures["typename_p99_under_max_cost_ms"] = loaded.get("p99_ms")
    figures["typename_p99_idle_after_ms"] = after.get("p99_ms")
    figures["typename_p99_loaded_vs_idle"] = ratio(loaded.get("p99_ms", 0), idle.get("p99_ms", 0))
    ratios = [ratio(b.get("p99_ms", 0), a.get("p99_ms", 0)) for a, b, _, _ in played]
    figures["isolation_rounds"] = len(played)
    figures["typename_p99_idle_ms_rounds"] = [a.get("p99_ms") for a, _, _, _ in played]
    figures["typename_p99_under_max_cost_ms_rounds"] = [b.get("p99_ms") for _, b, _, _ in played]
    figures["typename_rps_loaded_vs_idle_rounds"] = [ratio(b["rps"], a["rps"]) for a, b, _, _ in played]
    figures["max_cost_queries_completed_rounds"] = [len(t) for _, _, _, t in played]
    figures["max_cost_query_ms_median_rounds"] = [round(statistics.median(t), 1) if t else None for *_, t in played]
    # The slowest one in each loaded run: how long a heavy query waits when the cheap ones keep the core.
    figures["max_cost_query_ms_max_rounds"] = [round(max(t), 1) if t else None for *_, t in played]
    if watched.gateway_pid is not None:
        figures["isolation_cpu_rounds"] = cpu_rounds
        figures["isolation_gateway_rss_mb"] = rss
    if watched.heavy_gateway_pid is not None:
        figures["isolation_heavy_gateway_rss_mb"] = heavy_rss
    if watched.loop_meter is not None:
        figures["heavy_loop_share_rounds"] = shares
        figures["longest_heavy_callback_ms_rounds"] = longest
        figures["longest_other_callback_rounds"] = stalls
    figures["typename_p99_loaded_vs_idle_rounds"] = ratios
    figures["typename_p99_loaded_vs_idle_median"] = round(statistics.median(ratios), 4)
    figures["isolation_load_average_rounds"] = loads
    if watched.gateway_pid is not None:
        figures["isolation_quiet_wait_seconds"] = waits
    return figures


def _measured(watched: Watched, run: Callable[[], Any]) -> tuple[Any, tuple[float, ...]]:
    """`run()`'s result and the CPU seconds the gateway, the database server and the heavy gateway (if any) spent
    meanwhile."""
    before = watched.all_cpu_seconds()
    result = run()
    after = watched.all_cpu_seconds()
    return result, tuple(b - a for a, b in zip(before, after, strict=True))


def _named(phase: str, cpu: tuple[float, ...]) -> dict[str, float]:
    named = {f"{phase}_gateway_cpu_s": round(cpu[0], 2), f"{phase}_database_cpu_s": round(cpu[1], 2)}
    if cpu[2:] and cpu[2]:
        named[f"{phase}_heavy_gateway_cpu_s"] = round(cpu[2], 2)
    return named


def _stall(phase: str, path: Path | None, start: float, end: float) -> dict[str, Any]:
    """From the loop meter's lines within [start, end]: the longest callback that was not the heavy queries' own
    work (ms), the loop thread's CPU time in it (ms) and what it ran; the collector's passes in all (ms), the
    longest one with its generation, the full (generation 2) passes' count and ms, the time the loop's thread
    waited for a core and the CPU time of the gateway's other threads; keyed by `phase`."""
    lines = _lines(path, start, end)
    if not lines:
        return {}
    worst = max(lines, key=lambda line: line.get("longest_other_ms", 0.0))
    collected = max(lines, key=lambda line: line.get("longest_gc_ms", 0.0))
    return {
        f"{phase}_ms": worst.get("longest_other_ms"),
        f"{phase}_cpu_ms": worst.get("longest_other_cpu_ms"),
        phase: worst.get("longest_other"),
        f"{phase}_gc_ms": round(sum(line.get("gc_ms", 0.0) for line in lines), 1),
        f"{phase}_longest_gc_ms": collected.get("longest_gc_ms"),
        f"{phase}_longest_gc_generation": collected.get("longest_gc_generation"),
        f"{phase}_gc_full_passes": sum(line.get("gc_passes", [0, 0, 0])[2] for line in lines),
        f"{phase}_gc_full_ms": round(sum(line.get("gc_ms_by_generation", [0.0, 0.0, 0.0])[2] for line in lines), 1),
        f"{phase}_loop_run_delay_ms": round(sum(line.get("loop_run_delay_ms", 0.0) for line in lines), 1),
        f"{phase}_other_threads_cpu_ms": round(sum(line.get("other_threads_cpu_ms", 0.0) for line in lines), 1),
    }


def _lines(path: Path | None, start: float, end: float) -> list[dict[str, Any]]:
    if path is None or not path.exists():
        return []
    lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [line for line in lines if start < line["at"] <= end]


def _metered(path: Path | None, start: float, end: float) -> tuple[float | None, float | None]:
    """From the loop meter's lines within [start, end]: heavy loop seconds per second, and the longest heavy
    callback (ms)."""
    inside = _lines(path, start, end)
    if not inside:
        return None, None
    share = sum(line["heavy_s"] for line in inside) / len(inside)
    return round(share, 3), max(line["longest_heavy_ms"] for line in inside)


def soak(base: str, token: str, seconds: int, watched: Watched, every: float = 10.0) -> dict[str, Any]:
    """One loaded run (`{ __typename }` beside maximum-cost queries) of `seconds`, the gateway's resident memory read
    every `every` seconds meanwhile: whether what the collector leaves (cyclic garbage frozen between its scheduled
    full collections) grows without bound. With the loop meter, the collector's passes over the run too."""
    samples: list[float | None] = [watched.gateway_rss_mb()]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(every):
            samples.append(watched.gateway_rss_mb())

    sampler = threading.Thread(target=sample, name="rss-sampler", daemon=True)
    start = time.time()
    sampler.start()
    try:
        loaded, took = loaded_run(base, token, seconds)
    finally:
        stop.set()
        sampler.join()
    samples.append(watched.gateway_rss_mb())
    known = [mb for mb in samples if mb is not None]
    figures: dict[str, Any] = {
        "soak_seconds": seconds,
        "soak_typename_c8": loaded,
        "soak_max_cost_queries_completed": len(took),
        "soak_gateway_rss_mb": samples,
        "soak_gateway_rss_mb_first_last_max": [known[0], known[-1], max(known)] if known else None,
    }
    lines = _lines(watched.loop_meter, start, start + seconds)
    if lines:
        figures["soak_gc_ms"] = round(sum(line.get("gc_ms", 0.0) for line in lines), 1)
        figures["soak_longest_gc_ms"] = max(line.get("longest_gc_ms", 0.0) for line in lines)
        figures["soak_gc_passes"] = [sum(line.get("gc_passes", [0, 0, 0])[g] for line in lines) for g in range(3)]
    return figures


def loaded_run(
    base: str, token: str, seconds: int, heavy_base: str | None = None, probe: str = TYPENAME
) -> tuple[dict[str, float], list[float]]:
    """One `{ __typename }` (`probe`) wrk run beside the maximum-cost neighbour (asking `heavy_base` when given); the
    run's figures and the neighbour's completed queries' times (ms)."""
    heavy = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.isolation", "--heavy-load", heavy_base or base, token, str(seconds + 2)],
        stdout=subprocess.PIPE,
        text=True,
    )
    loaded = wrk(base, token, {"query": probe}, connections=8, seconds=seconds)
    # The neighbour starts no query after its window but finishes the one it has in flight (the gateway would run it
    # on anyway): idle is measured again only once the gateway has answered it.
    try:
        lines, _ = heavy.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        heavy.terminate()
        lines, _ = heavy.communicate(timeout=30)
    return loaded, [float(line.split()[1]) for line in lines.splitlines() if line.startswith("ok ")]


# 23 pages of 100 ranked items with their content cost 23 * 210 = 4,830: just under QUERY_COST_MAX (5,000).
MAX_COST_QUERY = (
    "{ "
    + " ".join(
        f"f{i}: feed(slot: MORNING, scene: BEFORE_DECISION, first: 100) {{ items {{ content {{ title }} }} }}"
        for i in range(23)
    )
    + " }"
)
# What `--isolation-probe` measures beside the maximum-cost queries: `typename` (the figure) or a member's
# ranked feed, which unlike `{ __typename }` needs the database (its reads and the decision it writes).
PROBES = {"typename": TYPENAME, "feed": FEED}


def probe_keys(figures: dict[str, Any], probe: str) -> dict[str, Any]:
    """The isolation figures with their `typename_` keys named after the probe (`feed_probe_`) when it is not
    `typename`, so a feed's figures are never read as the issue's."""
    if probe == "typename":
        return figures
    return {
        (f"{probe}_probe_" + key.removeprefix("typename_") if key.startswith("typename_") else key): value
        for key, value in figures.items()
    }


# The response header naming the heavy lane's child that answered (gateway/heavy_lane.py PID_HEADER).
HEAVY_LANE_PID_HEADER = "X-Heavy-Lane-Pid"


def heavy_lane_child(base: str, token: str, limit: float = 180.0) -> int | None:
    """Unless HEAVY_LANE_PROCESS is off in this environment (the gateway inherits it; on by default outside
    APP_ENV=test, and the harness's gateway runs as development): the PID of the gateway's heavy-lane child once it
    answers a maximum-cost query (untimed: it also warms the child's ranking stack), else None."""
    if os.environ.get("HEAVY_LANE_PROCESS", "true").strip().lower() in ("0", "false", "no", "off"):
        return None
    deadline = time.monotonic() + limit
    with httpx.Client(base_url=base, timeout=120) as http:
        while time.monotonic() < deadline:
            answer = http.post("/graphql", json={"query": MAX_COST_QUERY}, headers={"Authorization": f"Bearer {token}"})
            pid = answer.headers.get(HEAVY_LANE_PID_HEADER)
            if pid is not None:
                return int(pid)
            time.sleep(1.0)
    raise RuntimeError(f"the gateway's heavy-lane child did not answer within {limit:.0f} s")


def heavy_load(base: str, token: str, seconds: float) -> None:
    """Maximum-cost queries back to back (one at a time), for `seconds`: the noisy neighbour. Prints `ok <ms>` for
    each query answered without errors (`failed <ms>` otherwise), as it completes."""
    stop = time.monotonic() + seconds
    with httpx.Client(base_url=base, timeout=120) as http:
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                answer = http.post(
                    "/graphql", json={"query": MAX_COST_QUERY}, headers={"Authorization": f"Bearer {token}"}
                )
            except httpx.HTTPError:
                return
            took = (time.perf_counter() - started) * 1000
            print(f"{'failed' if answer.json().get('errors') else 'ok'} {took:.1f}", flush=True)


if __name__ == "__main__" and len(sys.argv) == 5 and sys.argv[1] == "--heavy-load":
    heavy_load(sys.argv[2], sys.argv[3], float(sys.argv[4]))
