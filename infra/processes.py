"""Child processes of the tools, benchmarks and tests: wait until one answers, stop several at once."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import httpx


def answers(url: str) -> bool:
    """Whether `url/readyz` answers 200 now."""
    try:
        return httpx.get(f"{url}/readyz", timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


def wait_ready(
    url: str,
    process: subprocess.Popen[Any] | None = None,
    log: Path | None = None,
    timeout: float = 60.0,
    interval: float = 0.2,
) -> None:
    """Return once `url/readyz` answers 200; raise if `process` exits first or `timeout` seconds pass (with the
    tail of `log`, when given)."""
    deadline = time.monotonic() + timeout
    while True:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode}{_tail(log)}")
        if answers(url):
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} not ready after {timeout}s{_tail(log)}")
        time.sleep(interval)


def stop_all(processes: Iterable[subprocess.Popen[Any]], grace: float = 15.0) -> None:
    """SIGTERM to each process still running, then wait up to `grace` seconds for each; kill the rest. Every one
    is reaped here (not left to a later ResourceWarning)."""
    running = [process for process in processes if process.poll() is None]
    for process in running:
        process.terminate()
    for process in running:
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _tail(log: Path | None) -> str:
    return f":\n{log.read_text(errors='replace')[-3000:]}" if log is not None and log.exists() else ""
