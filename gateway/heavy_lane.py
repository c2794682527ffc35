"""The heavy lane's process: heavy operations answered by a child gateway at a lower CPU priority (transport only).

With HEAVY_LANE_PROCESS on, the gateway starts a child process running the same gateway app (the same services,
in-process or the same clients, from the same settings) at HEAVY_LANE_NICE, listening on a unix socket in a private
folder only this process can reach. A query whose static cost reaches QUERY_COST_LANE_THRESHOLD, once priced and
charged here (gateway/cost_limits.py: budgets are charged once, in this process, and `extensions.cost` says so),
is sent to the child with the caller's headers (auth, API key, request id) and answered with the child's data and
errors unchanged. So its resolution, ranking, garbage and the collector's passes over it run in a process the
kernel schedules behind this one, instead of taking turns with the cheap requests on this process's event loop.

The child inherits the session of this process (and so its scheduling group: a niceness weighs against the
processes of the same group) and is sent SIGTERM when this process dies. The cheap path never depends on it: until
the child answers readyz (at start and after a crash) heavy operations run here as before, through the cost lane.
A child that dies while answering makes that operation's answer a coded UNAVAILABLE error; from that answer on,
heavy operations run here again (the next one never meets the dead socket), and the child is ended if it still
runs and started again. A timeout gives UNAVAILABLE too, and leaves the child as it is.
Mutations always run here: what they write should not depend on a second process's fate.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
from graphql import ExecutionResult, GraphQLError

from infra.logging import get_logger
from infra.settings import Settings

log = get_logger(__name__)

# The child reads its socket's path from this variable (gateway/heavy_lane_child.py).
SOCKET_ENV = "HEAVY_LANE_SOCKET"
# Headers not passed to the child: the connection's own, and the body's framing (the body is rebuilt).
HOP_HEADERS = frozenset(
    {"host", "connection", "keep-alive", "content-length", "transfer-encoding", "content-encoding", "accept-encoding"}
)
# How long a heavy operation may take in the child; a maximum-cost query takes well under a second alone.
ANSWER_TIMEOUT_SECONDS = 120.0
# Readiness: the child is asked this often, for at most this long, before it is killed and started again.
READY_POLL_SECONDS = 0.2
READY_LIMIT_SECONDS = 300.0
# After a child ends, the next start waits this long (doubled after each start that never got ready, up to the max).
RESTART_DELAY_SECONDS = 0.5
RESTART_DELAY_MAX_SECONDS = 30.0
# The response header naming the child's PID on a forwarded operation's answer (not in production).
PID_HEADER = "X-Heavy-Lane-Pid"
PR_SET_PDEATHSIG = 1


class ForwardedError(GraphQLError):
    """An error as the child formatted it: passed on as it came (its code, path and locations)."""

    def __init__(self, formatted: Mapping[str, Any]) -> None:
        super().__init__(str(formatted.get("message", "")), extensions=dict(formatted.get("extensions") or {}))
        self._formatted = dict(formatted)

    @property
    def formatted(self) -> Any:
        return self._formatted


# The child's periodic tasks, all off (as a command-line tool's: composition/migrate.py).
CHILD_QUIET = {
    "slot_scheduler_enabled": "false",
    "billing_scheduler_interval_seconds": "0",
    "outbox_relay_enabled": "false",
    "mail_worker_interval_seconds": "0",
    "health_snapshot_interval_seconds": "0",
    "campaign_release_interval_seconds": "0",
}


def child_environment(settings: Settings, socket: Path) -> dict[str, str]:
    """The child's environment: this process's, its settings as resolved here (the database found, secrets
    generated), no child of its own, no budgets or rate limits (charged here, once), no ingest worker and no
    periodic task."""
    env = dict(os.environ)
    for name, value in settings.model_dump().items():
        if value is None:
            continue
        if isinstance(value, bool):
            env[name.upper()] = "true" if value else "false"
        elif isinstance(value, (list, tuple, dict)):
            env[name.upper()] = json.dumps(list(value) if isinstance(value, tuple) else value)
        else:
            env[name.upper()] = str(value)
    env.update(
        {
            "HEAVY_LANE_PROCESS": "false",
            "RATE_LIMITS_ENABLED": "false",
            # Its reads and writes wait behind the cheap requests' on the embedded server (SECANTUS_BACKGROUND_NICE).
            "DATABASE_BACKGROUND": "true",
            "SEED_DEMO": "false",
            # The events' derivation stays the gateway's: two workers polling one outbox cost the database twice.
            "INGEST_INTERVAL_SECONDS": "0",
            # No periodic work either (leased, so it would run once anyway, but a child holding a lease would run
            # slot pushes and billing cycles at the lane's low priority): it answers queries, nothing else.
            **{name.upper(): value for name, value in CHILD_QUIET.items()},
            SOCKET_ENV: str(socket),
        }
    )
    return env


def lane_enabled(settings: Settings) -> bool:
    """HEAVY_LANE_PROCESS: on by default, except under APP_ENV=test (a test that wants the child says so)."""
    if settings.heavy_lane_process is None:
        return settings.app_env != "test"
    return settings.heavy_lane_process


def _libc_prctl() -> Any:
    """libc's prctl, looked up before any fork (not in the forked child, where the loader's lock may be held)."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


PRCTL = _libc_prctl()


def _child_setup(nice: int, idle: bool = False) -> None:
    """In the child before it runs Python: its niceness raised (`idle`: and the SCHED_IDLE policy, which its threads
    inherit), and SIGTERM when this process dies (Linux; it is the forking thread's death that counts: the event
    loop's, which lives as long as the gateway)."""
    os.nice(nice)
    if idle and hasattr(os, "SCHED_IDLE"):
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    if PRCTL is not None:
        PRCTL(PR_SET_PDEATHSIG, signal.SIGTERM)


class HeavyLane:
    """Starts and watches the child; forwards heavy queries to it once it is ready."""

    def __init__(self, settings: Settings, *, nice: int, idle: bool = False, command: list[str] | None = None) -> None:
        self.settings = settings
        self.nice = nice
        self.idle = idle
        self.command = command or [sys.executable, "-m", "gateway.heavy_lane_child"]
        self.debug = not settings.is_production
        self.pid: int | None = None
        self.starts = 0
        self.forwarded = 0
        self.failures = 0
        self._folder: Path | None = None
        self._ready = asyncio.Event()
        self._process: asyncio.subprocess.Process | None = None
        self._watch: asyncio.Task[None] | None = None
        self._http: httpx.AsyncClient | None = None

    @property
    def socket(self) -> Path:
        assert self._folder is not None
        return self._folder / "lane.sock"

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    async def start(self) -> None:
        """Start the child and watch it (returns at once: heavy operations run here until it is ready)."""
        self._folder = Path(tempfile.mkdtemp(prefix="heavy-lane-"))  # mode 0700: only this user reaches the socket
        self._http = httpx.AsyncClient(
            transport=httpx.AsyncHTTPTransport(uds=str(self.socket)),
            base_url="http://heavy-lane",
            timeout=httpx.Timeout(ANSWER_TIMEOUT_SECONDS, connect=5.0),
        )
        self._watch = asyncio.create_task(self._watched(), name="heavy-lane")

    async def stop(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch
        await self._ended()
        if self._http is not None:
            await self._http.aclose()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)

    async def _watched(self) -> None:
        delay = RESTART_DELAY_SECONDS
        while True:
            process = await asyncio.create_subprocess_exec(
                *self.command,
                env=child_environment(self.settings, self.socket),
                stdin=asyncio.subprocess.DEVNULL,
                preexec_fn=lambda: _child_setup(self.nice, self.idle),
            )
            self._process = process
            self.starts += 1
            if await self._became_ready(process):
                self.pid = process.pid
                self._ready.set()
                log.info("heavy_lane_ready", pid=process.pid, nice=self.nice)
                delay = RESTART_DELAY_SECONDS
            code = await process.wait()
            self._ready.clear()
            self.pid = None
            log.warning("heavy_lane_ended", pid=process.pid, returncode=code)
            await asyncio.sleep(delay)
            delay = min(delay * 2, RESTART_DELAY_MAX_SECONDS)

    async def _became_ready(self, process: asyncio.subprocess.Process) -> bool:
        assert self._http is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + READY_LIMIT_SECONDS
        while process.returncode is None and loop.time() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if (await self._http.get("/readyz", timeout=2.0)).status_code == 200:
                    return True
            await asyncio.sleep(READY_POLL_SECONDS)
        if process.returncode is None:
            process.kill()
        return False

    async def _ended(self) -> None:
        process = self._process
        self._ready.clear()
        if process is None or process.returncode is not None:
            return
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 15)
        except TimeoutError:
            process.kill()
            await process.wait()

    def _lost(self, pid: int | None) -> None:
        """The child `pid` broke a connection or its answer: no heavy operation goes to it from now on (until the
        watcher has seen it end, the next ones would meet the same dead socket), and it is ended if it still runs, so
        the watcher starts another."""
        process = self._process
        if pid is None or pid != self.pid or process is None:
            return
        self._ready.clear()
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()

    async def answer(
        self, query: str, variables: dict[str, Any] | None, operation_name: str | None, headers: Mapping[str, str]
    ) -> tuple[ExecutionResult, int | None]:
        """The child's answer to one operation (its data and errors as they came) and the child's PID; a coded
        UNAVAILABLE error when the child ended or failed while answering."""
        assert self._http is not None
        pid = self.pid
        passed = {name: value for name, value in headers.items() if name.lower() not in HOP_HEADERS}
        passed["accept"] = "application/json"
        body = {"query": query, "variables": variables or {}, "operationName": operation_name}
        try:
            response = await self._http.post("/graphql", json=body, headers=passed)
            answer = response.json()
            data, errors = answer.get("data"), answer.get("errors")
        except (httpx.HTTPError, ValueError, AttributeError) as exc:
            self.failures += 1
            log.warning("heavy_lane_failed", pid=pid, error=type(exc).__name__)
            if not isinstance(exc, httpx.TimeoutException):
                self._lost(pid)
            error = GraphQLError(
                "the process answering heavy operations stopped while answering this one; retry",
                extensions={"code": "UNAVAILABLE"},
            )
            return ExecutionResult(data=None, errors=[error]), pid
        self.forwarded += 1
        return ExecutionResult(data=data, errors=[ForwardedError(e) for e in errors] if errors else None), pid
