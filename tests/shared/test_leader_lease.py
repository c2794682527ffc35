"""Two billing_service processes with the billing cycle on, sharing one Redis: one runs it; `kill -9` of that one
hands the cycle to the other within a lease lifetime."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from infra.embedded import free_port
from infra.processes import stop_all, wait_ready
from infra.settings import Settings
from tests.conftest import INTERNAL_TOKEN
from tests.process_env import REPO

pytestmark = pytest.mark.processes

LEASE_SECONDS = 1.5


def figure(url: str, metric: str) -> float:
    """One sample of `metric{job="billing_cycle"...}` from a process's /metrics; 0 when absent."""
    text = httpx.get(f"{url}/metrics", timeout=2.0).text
    pattern = rf'^{metric}\{{[^}}]*job="billing_cycle"[^}}]*\}} ([0-9.e+]+)$'
    found = re.search(pattern, text, flags=re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def runs(url: str) -> float:
    return figure(url, "periodic_job_runs_total")


def leads(url: str) -> bool:
    return figure(url, "scheduler_leader") == 1.0


def poll(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


@pytest.fixture
def billing_pair(
    settings: Settings, redis_url: str, tmp_path: Path
) -> Iterator[list[tuple[subprocess.Popen[bytes], str]]]:
    """Two `python -m billing_service` on free ports, the cycle every 0.2 s, one lease in Redis."""
    env = {
        **os.environ,
        "APP_ENV": "development",  # the cycle runs outside APP_ENV=test
        "MONGODB_URI": settings.mongodb_uri or "",
        "DB_PREFIX": settings.db_prefix,
        "INTERNAL_API_TOKEN": INTERNAL_TOKEN,
        "VAR_DIR": str(tmp_path),
        "REDIS_URL": redis_url,
        "LEADER_LEASE_SECONDS": str(LEASE_SECONDS),
        "BILLING_SCHEDULER_INTERVAL_SECONDS": "0.2",
        "ACCESS_LOG": "false",
    }
    pair: list[tuple[subprocess.Popen[bytes], str]] = []
    try:
        for index in range(2):
            port = free_port()
            log = tmp_path / f"billing-{index}.log"
            with open(log, "wb") as out:
                process = subprocess.Popen(
                    [sys.executable, "-m", "billing_service"],
                    cwd=REPO,
                    env={**env, "BILLING_SERVICE_PORT": str(port)},
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            pair.append((process, f"http://127.0.0.1:{port}"))
        for index, (process, url) in enumerate(pair):
            wait_ready(url, process, tmp_path / f"billing-{index}.log", timeout=240)
        yield pair
    finally:
        stop_all(process for process, _ in pair)


def test_one_leader_runs_the_cycle_and_the_other_takes_over_when_it_dies(
    billing_pair: list[tuple[subprocess.Popen[bytes], str]],
) -> None:
    urls = [url for _, url in billing_pair]
    poll(lambda: sum(leads(url) for url in urls) == 1, "exactly one process holds the lease")
    leader = next(i for i, url in enumerate(urls) if leads(url))
    follower = 1 - leader
    poll(lambda: runs(urls[leader]) >= 3, "the leader runs the cycle")
    assert runs(urls[follower]) == 0, "the follower never ran it"
    assert not leads(urls[follower])

    os.kill(billing_pair[leader][0].pid, signal.SIGKILL)
    billing_pair[leader][0].wait(timeout=10)
    poll(lambda: leads(urls[follower]) and runs(urls[follower]) >= 2, "the survivor took the cycle over")
