"""The gateway benchmarks' harness (benchmarks/hot_path.py, feed_after_history.py, feed_cpu.py,
impression_counting.py, ingest_lag.py): a database server and a gateway process pinned to one core, set up and
stopped in one place (`database_server`, `running_gateway`), wrk pinned to the other core, each process's CPU
seconds from /proc, and figures printed as they are measured."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import httpx

from benchmarks.gateway_calls import ADMIN_KEY, Platform, drain_ingest, set_up, warm_feeds
from infra.embedded import EmbeddedServer, free_port
from infra.processes import stop_all, wait_ready

JWT_SECRET = "bench-jwt-secret-0123456789abcdef0123456789"
SERVER_CORE = "0"
LOAD_CORE = "1"
TYPENAME = "{ __typename }"

# Every script also counts the answers that carry GraphQL errors (HTTP 200 all the same, so wrk's non-2xx count misses
# them: a fast error would count as a served request) and prints their total as `graphql_errors N`, and the answers
# that name an event a replay (`"duplicate":true`: a client id recorded before) as `duplicate_answers N`. Each thread
# gets its number (1, 2, ...) as the global `thread_number`, for scripts that make ids unique per thread.
WRK_ERRORS = """
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end
function init(args) errors = 0 duplicates = 0 end
function response(status, headers, body)
  if string.find(body, '"errors"', 1, true) then errors = errors + 1 end
  if string.find(body, '"duplicate":%%s*true') then duplicates = duplicates + 1 end
end
function done(summary, latency, requests)
  local total, replays = 0, 0
  for _, t in ipairs(threads) do
    total = total + t:get("errors")
    replays = replays + t:get("duplicates")
  end
  io.write(string.format("graphql_errors %%d\\n", total))
  io.write(string.format("duplicate_answers %%d\\n", replays))
end
"""
WRK_SCRIPT = (
    """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(token)s"
wrk.body = [[%(body)s]]
"""
    + WRK_ERRORS
)
# The same request in turn for each of several members (their tokens), so that no member's own reads are repeated
# back to back: what a community's many members asking for their feeds cost.
WRK_MEMBERS_SCRIPT = (
    """
local tokens = {%(tokens)s}
local n = 0
request = function()
  n = n + 1
  local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tokens[n %% #tokens + 1]}
  return wrk.format("POST", nil, headers, [[%(body)s]])
end
"""
    + WRK_ERRORS
)


def cpu_seconds(pid: int) -> float:
    """A process's CPU seconds so far (user and system, every thread), from Linux's /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pin(pid: int, core: str, attempts: int = 5) -> None:
    """Every thread of `pid` on `core`. taskset fails when a thread it listed ends before it is pinned (a starting
    server's threads come and go): tried again, the threads left are pinned."""
    for attempt in range(attempts):
        done = subprocess.run(["taskset", "-a", "-p", "-c", core, str(pid)], capture_output=True, text=True)
        if done.returncode == 0:
            return
        if attempt == attempts - 1:
            raise RuntimeError(f"taskset could not pin {pid} to core {core}: {done.stderr.strip()}")
        time.sleep(0.1)


@dataclass(frozen=True)
class DatabaseServer:
    """The run's SecantusDB server (pinned to SERVER_CORE) and its scratch folder (the gateway's VAR_DIR)."""

    uri: str
    pid: int
    scratch: Path


@dataclass(frozen=True)
class RunningGateway:
    """A gateway process ready on `base` (every service in it, pinned to the server's core) on the database prefix
    `prefix`, with the community `set_up` made (`world`: its id, the items' ids, the reader's token and id)."""

    base: str
    prefix: str
    gateway_pid: int
    server: DatabaseServer
    platform: Platform
    world: dict[str, Any]

    @property
    def token(self) -> str:
        """The reader's token: the member the benchmarks measure."""
        token: str = self.world["reader"]
        return token

    @property
    def content(self) -> list[str]:
        content: list[str] = self.world["content"]
        return content

    @property
    def pids(self) -> dict[str, int]:
        return {"gateway": self.gateway_pid, "server": self.server.pid}

    def cpu(self) -> tuple[float, float]:
        """The gateway's and the database server's CPU seconds so far."""
        return cpu_seconds(self.gateway_pid), cpu_seconds(self.server.pid)

    def drain(self) -> float:
        """Wait out the ingest worker's backlog (gateway_calls.drain_ingest); the seconds it took."""
        return drain_ingest(self.server.uri, self.prefix)


@contextmanager
def database_server(*, disk: bool = False) -> Iterator[DatabaseServer]:
    """This process (and so the load it generates) on LOAD_CORE, a scratch folder, and a SecantusDB server on
    SERVER_CORE (in memory; `disk`: on a data folder in the scratch). Stopped, the folder removed and this process's
    affinity restored on the way out, also on an exception, Ctrl-C or SIGTERM."""
    affinity = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {int(LOAD_CORE)})
    try:
        with _sigterm_as_interrupt(), tempfile.TemporaryDirectory() as scratch:
            server = EmbeddedServer(str(Path(scratch) / "db") if disk else ":memory:")
            try:
                server.start()
                assert server.process is not None
                pin(server.process.pid, SERVER_CORE)
                yield DatabaseServer(server.uri, server.process.pid, Path(scratch))
            finally:
                server.stop()
    finally:
        os.sched_setaffinity(0, affinity)


@contextmanager
def running_gateway(
    server: DatabaseServer,
    stem: str,
    *,
    items: int,
    warm: bool = False,
    module: str = "gateway",
    env: dict[str, str] | None = None,
) -> Iterator[RunningGateway]:
    """The gateway on `server` (database prefix `stem` and 8 random hex digits), rate limits off, once it answers
    readyz, with `items` items and a reader set up (`warm`: and WARM_FEEDS untimed feeds served). `module`: what runs
    it (benchmarks.loop_meter: the gateway with its loop metered); `env`: more of its environment. Stopped on the way
    out, also on an exception, Ctrl-C or SIGTERM."""
    prefix = f"{stem}{uuid.uuid4().hex[:8]}"
    with _gateway_process(server.uri, server.scratch, prefix, module, env or {}) as (base, pid):
        platform = Platform(base)
        try:
            world = set_up(platform, items)
            if warm:
                warm_feeds(platform, world["reader"])
            yield RunningGateway(base, prefix, pid, server, platform, world)
        finally:
            platform.close()


@contextmanager
def second_gateway(gateway: RunningGateway, *, nice: int = 0) -> Iterator[tuple[str, int]]:
    """Another gateway process on `gateway`'s database and prefix (its own port, the same core) at niceness `nice`:
    its base URL and PID once ready. Stopped on the way out."""
    with _gateway_process(gateway.server.uri, gateway.server.scratch, gateway.prefix, "gateway", {}, nice) as ready:
        yield ready


@contextmanager
def _gateway_process(
    mongodb_uri: str, var_dir: Path, db_prefix: str, module: str, env: dict[str, str], nice: int = 0
) -> Iterator[tuple[str, int]]:
    """The gateway (every service in it) on the server's core, rate limits off; its base URL and PID once ready.
    `nice`: the niceness it runs at (every thread of it; `nice` execs taskset, which execs the interpreter)."""
    port = free_port()
    environment = {
        **os.environ,
        "MONGODB_URI": mongodb_uri,
        "APP_ENV": "development",
        "GATEWAY_PORT": str(port),
        "DB_PREFIX": db_prefix,
        "SEED_DEMO": "false",
        "RATE_LIMITS_ENABLED": "false",
        "SLOT_SCHEDULER_ENABLED": "false",
        "JWT_SECRET": JWT_SECRET,
        "PLATFORM_ADMIN_KEY": ADMIN_KEY,
        "VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
        **env,
    }
    with open(var_dir / "gateway.log", "ab") as log:
        # taskset execs the interpreter: the child's PID is the gateway's
        niced = ["nice", "-n", str(nice)] if nice else []
        process = subprocess.Popen(
            [*niced, "taskset", "-c", SERVER_CORE, sys.executable, "-m", module],
            env=environment,
            stdout=log,
            stderr=log,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            # a loaded machine starts four services slowly
            wait_ready(base, process, var_dir / "gateway.log", timeout=180, interval=0.3)
            yield base, process.pid
        finally:
            try:
                stop_all([process])
            except BaseException:  # a second Ctrl-C while it stops: no orphan either
                process.kill()
                process.wait()
                raise


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM raises KeyboardInterrupt meanwhile (its default ends Python without running `finally`: the server
    and the gateway would outlive the benchmark); only in the main thread, where signal handlers can be set."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def wrk(
    base: str,
    token: str | list[str],
    body: dict[str, Any],
    *,
    connections: int,
    seconds: int,
    script: str | None = None,
) -> dict[str, float]:
    """requests/s and latency percentiles (ms) of one wrk run on core 1; several tokens: each request the next
    member's; `script`: a whole wrk script of the caller's instead (token and body unused; it should end with
    WRK_ERRORS, so that GraphQL errors are counted)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        if script is not None:
            file.write(script)
        elif isinstance(token, str):
            file.write(WRK_SCRIPT % {"token": token, "body": json.dumps(body)})
        else:
            tokens = ", ".join(f'"{t}"' for t in token)
            file.write(WRK_MEMBERS_SCRIPT % {"tokens": tokens, "body": json.dumps(body)})
    threads = min(2, connections)
    command = [
        "taskset",
        "-c",
        LOAD_CORE,
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        "--latency",
    ]
    output = subprocess.run(
        [*command, "-s", file.name, f"{base}/graphql"], check=True, capture_output=True, text=True
    ).stdout
    os.unlink(file.name)
    settle(base)
    figures = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}  # type: ignore[union-attr]
    completed = re.search(r"(\d+) requests in", output)
    figures["requests"] = float(completed.group(1)) if completed else 0.0  # answered within the run
    for label, key in (("50%", "p50_ms"), ("99%", "p99_ms")):
        found = re.search(rf"{re.escape(label)}\s+([\d.]+)(us|ms|s)", output)
        if found:
            value, unit = float(found.group(1)), found.group(2)
            figures[key] = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    timeouts = re.search(r"timeout (\d+)", output)
    figures["timeouts"] = float(timeouts.group(1)) if timeouts else 0.0
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    figures["non_2xx"] = float(errors.group(1)) if errors else 0.0
    answered = re.search(r"^graphql_errors (\d+)$", output, re.MULTILINE)
    figures["graphql_errors"] = float(answered.group(1)) if answered else 0.0
    replays = re.search(r"^duplicate_answers (\d+)$", output, re.MULTILINE)
    figures["duplicate_answers"] = float(replays.group(1)) if replays else 0.0
    return figures


def settle(base: str, *, quick_ms: float = 250.0, limit_seconds: float = 180.0) -> None:
    """Wait until the gateway is idle again: wrk stops at its deadline, but the requests it left in flight (eight
    feeds take seconds of CPU) run on, and would be measured as the next run's slowness."""
    deadline = time.monotonic() + limit_seconds
    quick = 0
    with httpx.Client(base_url=base, timeout=limit_seconds) as http:
        while quick < 3 and time.monotonic() < deadline:
            started = time.perf_counter()
            http.post("/graphql", json={"query": TYPENAME})
            quick = quick + 1 if (time.perf_counter() - started) * 1000 < quick_ms else 0


class Figures(dict[str, Any]):
    """The run's figures, each printed as soon as it is measured: a run cut short (a probe timing out on a loaded
    machine) still shows what it measured."""

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        print(f"{key:36} {value}", flush=True)


def ratio(a: float, b: float) -> float:
    return round(a / b, 4) if b else 0.0
