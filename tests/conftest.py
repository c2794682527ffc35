"""One real SecantusDB server for the whole session; a fresh set of databases and a fresh gateway per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from infra.embedded import EmbeddedServer
from infra.settings import SERVICE_NAMES, Settings
from tests.db_client import close_shared, db_client, share
from tests.factories import ADMIN_KEY, JWT_SECRET, Api
from tests.fast_settings import build_settings
from tests.redis_server import redis_server

# The gateways tests start as processes (APP_ENV=development) start no heavy-lane child unless a test asks for one
# (tests/integration/test_heavy_lane.py): its memory and start-up would be every such test's.
os.environ.setdefault("HEAVY_LANE_PROCESS", "false")

# Secrets of production length, so that a test may switch APP_ENV to production and still start.
INTERNAL_TOKEN = "test-internal-token-0123456789abcdef"
WEBHOOK_SECRET = "whsec_test-0123456789abcdef0123456789"


@pytest.fixture(scope="session")
def mongo_uri() -> Iterator[str]:
    """`TEST_MONGODB_URI` if given, else an in-memory SecantusDB started for this session."""
    given = os.environ.get("TEST_MONGODB_URI")
    if given:
        yield given
        return
    server = EmbeddedServer(":memory:", test_commands=True)
    server.start()
    try:
        # Patient server selection: on a loaded two-core machine the first hello can take longer than the
        # platform's 1.5 s; the outage tests start servers of their own and keep the short default. The embedded
        # server's address already names its clients' connect timeout (infra/embedded.py).
        uri = f"{server.uri}&serverSelectionTimeoutMS=15000"
        share(uri)
        yield uri
    finally:
        close_shared()
        server.stop()


def settings_for(mongo_uri: str, prefix: str, var_dir: Any, **overrides: Any) -> Settings:
    """The tests' settings on `prefix`: test mode, secrets of production length, no demo data."""
    values: dict[str, Any] = {
        "app_env": "test",
        "mongodb_uri": mongo_uri,
        "db_prefix": prefix,
        "jwt_secret": JWT_SECRET,
        "platform_admin_key": ADMIN_KEY,
        "internal_api_token": INTERNAL_TOKEN,
        "billing_webhook_secret": WEBHOOK_SECRET,
        "var_dir": var_dir,
        "seed_demo": False,
    }
    values.update(overrides)
    return build_settings(**values)


@pytest.fixture
def make_settings(mongo_uri: str, tmp_path: Any) -> Iterator[Callable[..., Settings]]:
    """Settings on a database prefix of this test's own; every database made under it is dropped after."""
    prefix = f"t{uuid.uuid4().hex[:12]}"

    def make(**overrides: Any) -> Settings:
        return settings_for(mongo_uri, prefix, overrides.pop("var_dir", tmp_path), **overrides)

    yield make
    drop_prefix(mongo_uri, prefix)


def drop_prefix(mongo_uri: str, prefix: str) -> None:
    """Drop every service's database under `prefix`."""
    with db_client(mongo_uri) as client:
        for service in SERVICE_NAMES:
            client.drop_database(f"{prefix}_{service}")


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


GatewayFactory = Callable[..., "AsyncIterator[Api]"]


@asynccontextmanager
async def running_gateway(settings: Settings) -> AsyncIterator[Api]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
            yield Api(http, app, settings)


@asynccontextmanager
async def gateway_on_own_databases(mongo_uri: str, var_dir: Any, **overrides: Any) -> AsyncIterator[Api]:
    """A gateway on a prefix of its own, for a module-scoped fixture that builds once what its tests only read."""
    prefix = f"t{uuid.uuid4().hex[:12]}"
    try:
        async with running_gateway(settings_for(mongo_uri, prefix, var_dir, **overrides)) as api:
            yield api
    finally:
        drop_prefix(mongo_uri, prefix)


@pytest.fixture
async def api(settings: Settings) -> AsyncIterator[Api]:
    """The gateway with all four services mounted in-process, over the test's own databases."""
    async with running_gateway(settings) as api:
        yield api


@pytest.fixture
def gateway_with(make_settings: Callable[..., Settings]) -> Callable[..., Awaitable[Any]]:
    """`async with gateway_with(RATE_LIMIT_PER_ADDRESS=...)`: a gateway on settings changed for one test."""

    def start(**overrides: Any) -> Any:
        return running_gateway(make_settings(**overrides))

    return start


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real redis-server per test session (per xdist worker); tests keep apart by their DB_PREFIX."""
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


# The modules that take longest (a `--durations=0` run, longest first). Collected first, so that xdist hands them
# out first (`make test` passes `--no-loadscope-reorder`: by default xdist orders files by their number of tests,
# which leaves these one-to-three-test modules for the end, one worker running them while the other waits idle).
LONGEST_MODULES = (
    "tests/faults/test_kills.py",
    "tests/integration/billing/test_payment_replays.py",
    "tests/integration/test_processes.py",
    "tests/integration/test_member_value.py",
    "tests/generate/test_generate.py",
    "tests/integration/test_ltv.py",
    "tests/integration/test_ranking_lifecycle.py",
    "tests/integration/test_ranking_gate.py",
    "tests/deploy/test_packaging.py",
    "tests/shared/test_leader_lease.py",
    "tests/integration/test_ranking_walkthrough.py",
    "tests/shared/test_tracing.py",
    "tests/integration/test_slots.py",
    "tests/infra/test_embedded.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest modules first, each keeping its own order; every other test keeps its place after them."""
    rank = {path: n for n, path in enumerate(LONGEST_MODULES)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(LONGEST_MODULES)))
