"""The hot-path benchmarks' harness: a gateway process pinned to the server's core, wrk pinned to the other, and
figures printed as they are measured (benchmarks/hot_path.py, benchmarks/ingest_lag.py)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from infra.embedded import free_port
from infra.processes import stop_all, wait_ready

ADMIN_KEY = "bench-admin-key-0123456789abcdef0123456789"
JWT_SECRET = "bench-jwt-secret-0123456789abcdef0123456789"
SERVER_CORE = "0"
LOAD_CORE = "1"
TYPENAME = "{ __typename }"

WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(token)s"
wrk.body = [[%(body)s]]
"""
# The same request in turn for each of several members (their tokens), so that no member's own reads are repeated
# back to back: what a community's many members asking for their feeds cost.
WRK_MEMBERS_SCRIPT = """
local tokens = {%(tokens)s}
local n = 0
request = function()
  n = n + 1
  local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tokens[n %% #tokens + 1]}
  return wrk.format("POST", nil, headers, [[%(body)s]])
end
"""


def cpu_seconds(pid: int) -> float:
    """A process's CPU seconds so far (user and system, every thread), from Linux's /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def gateway_pid() -> int:
    """The gateway process this harness started (a child of this process running `-m gateway`), from /proc."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rpartition(")")[2].split()[1])
            command = (stat.parent / "cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError):
            continue
        if parent == os.getpid() and b"gateway" in command:
            return int(stat.parent.name)
    raise RuntimeError("no gateway process found")


def pin(pid: int, core: str) -> None:
    subprocess.run(["taskset", "-a", "-p", "-c", core, str(pid)], check=True, capture_output=True)


@contextmanager
def gateway_process(
    mongodb_uri: str, var_dir: Path, db_prefix: str | None = None, *, module: str = "gateway"
) -> Iterator[str]:
    """The gateway (every service in it) on the server's core, rate limits off; its base URL once ready. `module`:
    what runs it (benchmarks.loop_meter: the gateway with its loop metered)."""
    port = free_port()
    env = {
        **os.environ,
        "MONGODB_URI": mongodb_uri,
        "APP_ENV": "development",
        "GATEWAY_PORT": str(port),
        "DB_PREFIX": db_prefix or f"hot{uuid.uuid4().hex[:8]}",
        "SEED_DEMO": "false",
        "RATE_LIMITS_ENABLED": "false",
        "SLOT_SCHEDULER_ENABLED": "false",
        "JWT_SECRET": JWT_SECRET,
        "PLATFORM_ADMIN_KEY": ADMIN_KEY,
        "VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
    }
    log = open(var_dir / "gateway.log", "ab")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        ["taskset", "-c", SERVER_CORE, sys.executable, "-m", module], env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # a loaded machine starts four services slowly
        wait_ready(base, process, var_dir / "gateway.log", timeout=180, interval=0.3)
        yield base
    finally:
        stop_all([process])
        log.close()


def wrk(base: str, token: str | list[str], body: dict[str, Any], *, connections: int, seconds: int) -> dict[str, float]:
    """requests/s and latency percentiles (ms) of one wrk run on core 1; several tokens: each request the next
    member's."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        if isinstance(token, str):
            script.write(WRK_SCRIPT % {"token": token, "body": json.dumps(body)})
        else:
            tokens = ", ".join(f'"{t}"' for t in token)
            script.write(WRK_MEMBERS_SCRIPT % {"tokens": tokens, "body": json.dumps(body)})
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
        [*command, "-s", script.name, f"{base}/graphql"], check=True, capture_output=True, text=True
    ).stdout
    os.unlink(script.name)
    settle(base)
    figures = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}  # type: ignore[union-attr]
    for label, key in (("50%", "p50_ms"), ("99%", "p99_ms")):
        found = re.search(rf"{re.escape(label)}\s+([\d.]+)(us|ms|s)", output)
        if found:
            value, unit = float(found.group(1)), found.group(2)
            figures[key] = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    timeouts = re.search(r"timeout (\d+)", output)
    figures["timeouts"] = float(timeouts.group(1)) if timeouts else 0.0
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    figures["non_2xx"] = float(errors.group(1)) if errors else 0.0
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
