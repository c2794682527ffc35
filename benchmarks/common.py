"""What every benchmark shares: a throwaway database server, timing, and the one-line JSON summary."""

from __future__ import annotations

import json
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

from infra.embedded import EmbeddedServer
from infra.settings import Settings


@contextmanager
def scratch_settings(**overrides: Any) -> Iterator[Settings]:
    """Settings on an in-memory SecantusDB started for this run (or BENCH_MONGODB_URI), stopped after."""
    import os

    given = os.environ.get("BENCH_MONGODB_URI")
    server = None if given else EmbeddedServer(":memory:")
    if server:
        server.start()
    uri = given or (server.uri if server else "")
    try:
        yield Settings(
            app_env="test",
            mongodb_uri=uri,
            db_prefix=f"bench{uuid.uuid4().hex[:8]}",
            jwt_secret="bench-secret-0123456789abcdef0123456789",
            platform_admin_key="bench-admin-key",
            seed_demo=False,
            rate_limits_enabled=False,  # request and cost budgets off: the benchmark measures throughput
            **overrides,
        )
    finally:
        if server:
            server.stop()


async def timed(call: Callable[[], Awaitable[Any]], *, repeat: int, warmup: int = 3) -> list[float]:
    """Seconds per call, `repeat` times after `warmup` untimed calls."""
    for _ in range(warmup):
        await call()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - started)
    return samples


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 3)


def print_summary(figures: dict[str, Any]) -> None:
    """The last line of every benchmark: one JSON object of its figures."""
    print(json.dumps(figures, sort_keys=True))
