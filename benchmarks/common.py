"""What every benchmark shares: a throwaway database server, timing, and the one-line JSON summary."""

from __future__ import annotations

import json
import statistics
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette

from composition.topology import Topology
from gateway.app import create_app
from infra.embedded import EmbeddedServer, free_port
from infra.settings import Settings
from users_service.schemas import CommunityCreate, CommunityRead, MemberCreate, MemberRead, RoleChange


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


@asynccontextmanager
async def gateway_app(**overrides: Any) -> AsyncIterator[tuple[Settings, Starlette]]:
    """The gateway app (every service mounted in it) on `scratch_settings`, its lifespan run in this process's loop:
    what the in-process benchmarks call through httpx's ASGITransport or the services' clients."""
    with scratch_settings(**overrides) as settings:
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            yield settings, app


async def community_with_experts(services: Topology, handles: Sequence[str]) -> tuple[CommunityRead, list[MemberRead]]:
    """The community "bench" and a member granted EXPERT (who may publish any kind) for each handle."""
    community = await services.users.create_community(CommunityCreate(slug="bench", name="Bench"))
    experts = []
    for handle in handles:
        member = await services.users.register_member(community.id, MemberCreate(handle=handle, display_name="A"))
        await services.users.grant_role(community.id, RoleChange(handle=member.handle, role="EXPERT"))
        experts.append(member)
    return community, experts


@contextmanager
def served_gateway(settings: Settings, *, name: str = "served-gateway") -> Iterator[str]:
    """The gateway (every service mounted in it) under uvicorn on a free port, in a thread with its own event loop
    (uvicorn's factory builds the app, so every database client, inside that loop); yields its base URL."""
    port = free_port()

    def app() -> Starlette:
        return create_app(settings)

    config = uvicorn.Config(app, factory=True, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=name, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the gateway did not start; see the log above")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


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
