"""A `feed` request leaves one trace, exported by OTLP/HTTP, spanning the gateway, the services it reached and
their MongoDB commands, with every process separate and real HTTP between them."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from infra.embedded import free_port
from infra.processes import stop_all, wait_ready
from infra.settings import Settings
from tests.conftest import INTERNAL_TOKEN
from tests.factories import Api, create_community, publish, register
from tests.process_env import REPO, process_env, service_addresses
from tests.shared.otlp_stub import Collector, ReceivedSpan, otlp_collector

pytestmark = pytest.mark.processes

# Billing stays in the gateway's process: a feed does not reach it, and one process fewer starts.
SPLIT = ("users", "content", "distribution")
FEED = "{ feed(slot: MORNING, scene: BEFORE_DECISION, first: 5) { items { content { title author { handle } } } } }"


@pytest.fixture
def collector() -> Iterator[Collector]:
    with otlp_collector() as running:
        yield running


@pytest.fixture
def traced_platform(settings: Settings, collector: Collector, tmp_path: Path) -> Iterator[str]:
    """users, content, distribution and the gateway, each its own process exporting to the collector."""
    ports = {name: free_port() for name in (*SPLIT, "gateway")}
    env = process_env(
        settings.mongodb_uri or "",
        settings.db_prefix,
        tmp_path,
        INTERNAL_API_TOKEN=INTERNAL_TOKEN,
        GATEWAY_PORT=str(ports["gateway"]),
        OTEL_EXPORTER_OTLP_ENDPOINT=collector.url,
        OTEL_BSP_SCHEDULE_DELAY="100",  # milliseconds: spans reach the collector promptly
        **service_addresses(ports, SPLIT),
    )
    processes: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for name in (*SPLIT, "gateway"):
            package = "gateway" if name == "gateway" else f"{name}_service"
            with open(tmp_path / f"{name}.log", "wb") as out:
                processes[name] = subprocess.Popen(
                    [sys.executable, "-m", package], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT
                )
        # Started together, so each may wait for the others' imports on a loaded machine: a generous bound.
        for name, process in processes.items():
            wait_ready(f"http://127.0.0.1:{ports[name]}", process, tmp_path / f"{name}.log", timeout=240)
        yield f"http://127.0.0.1:{ports['gateway']}"
    finally:
        stop_all(processes.values())


def feed_trace(collector: Collector) -> list[ReceivedSpan]:
    """The spans of the trace whose gateway span served `query.feed`; empty until it arrived."""
    spans = collector.snapshot()
    roots = [s for s in spans if s.service == "gateway" and s.attributes.get("graphql.operation.root") == "query.feed"]
    if not roots:
        return []
    return [s for s in spans if s.trace_id == roots[-1].trace_id]


def orphans_of(spans: list[ReceivedSpan]) -> list[ReceivedSpan]:
    """Spans whose parent is not (yet) among `spans`."""
    ids = {s.span_id for s in spans}
    return [s for s in spans if s.parent_id and s.parent_id not in ids]


async def test_a_feed_request_is_one_trace_across_gateway_services_and_mongodb(
    traced_platform: str, collector: Collector, settings: Settings
) -> None:
    async with httpx.AsyncClient(base_url=traced_platform, timeout=30) as http:
        api = Api(http, None, settings)
        await create_community(api, "demo")
        alice = await register(api, "demo", "alice")
        bob = await register(api, "demo", "bob")
        await publish(api, alice, "Traced piece")
        feed = await api.data(FEED, token=bob.token)
    assert [item["content"]["title"] for item in feed["feed"]["items"]] == ["Traced piece"]

    deadline = time.monotonic() + 60
    wanted = {"gateway", "users_service", "content_service", "distribution_service"}
    spans = feed_trace(collector)
    # Each process exports in batches of its own: a child span can arrive before its parent's batch does.
    while not (wanted <= {s.service for s in spans} and not orphans_of(spans)) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        spans = feed_trace(collector)
    assert wanted <= {s.service for s in spans}, sorted({(s.service, s.name) for s in spans})
    # One tree: every span but the gateway's server span has its parent in the trace.
    orphans = orphans_of(spans)
    roots = [s for s in spans if not s.parent_id]
    assert [root.service for root in roots] == ["gateway"], roots
    assert not orphans, orphans
    # Down to the database: MongoDB commands of distribution and content are in the same trace.
    mongo = {s.service for s in spans if s.attributes.get("db.system") == "mongodb"}
    assert {"distribution_service", "content_service"} <= mongo, sorted({(s.service, s.name) for s in spans})
