"""The slice once more with every service in its own OS process and real HTTP between them."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from infra.embedded import free_port
from infra.processes import stop_all, wait_ready
from infra.settings import Settings
from tests.factories import Api, create_community, create_plan, grant, publish, register
from tests.process_env import REPO, process_env, service_addresses

pytestmark = pytest.mark.processes

SERVICES = ("users", "content", "distribution", "billing")


@pytest.fixture
def platform(settings: Settings, tmp_path: Path) -> Iterator[str]:
    """Four services and a gateway, each `python -m <package>` on a random port; yields the gateway URL."""
    ports = {name: free_port() for name in (*SERVICES, "gateway")}
    env = process_env(
        settings.mongodb_uri or "",
        settings.db_prefix,
        tmp_path,
        GATEWAY_PORT=str(ports["gateway"]),
        **service_addresses(ports, SERVICES),
    )
    processes: list[subprocess.Popen[bytes]] = []
    try:
        # All five start at once (as the fault suite's platform does): each needs only the database to be ready,
        # and their start-ups (imports, indexes) overlap instead of queueing behind one another.
        for name in (*SERVICES, "gateway"):
            package = "gateway" if name == "gateway" else f"{name}_service"
            with open(tmp_path / f"{name}.log", "wb") as out:
                process = subprocess.Popen(
                    [sys.executable, "-m", package], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT
                )
            processes.append(process)
        for name, process in zip((*SERVICES, "gateway"), processes, strict=True):
            # A generous bound (as the tracing test's): five imports at once on a loaded two-core machine took >60 s.
            wait_ready(f"http://127.0.0.1:{ports[name]}", process, tmp_path / f"{name}.log", timeout=240)
        yield f"http://127.0.0.1:{ports['gateway']}"
    finally:
        stop_all(processes)


async def test_slice_over_real_http(platform: str, settings: Settings) -> None:
    async with httpx.AsyncClient(base_url=platform, timeout=15) as http:
        api = Api(http, None, settings)
        community_id = await create_community(api, "demo")
        plan_id = await create_plan(api, community_id, name="Gold")
        alice = await register(api, "demo", "alice", password="alice password")
        await grant(api, community_id, "alice", "EXPERT")
        bob = await register(api, "demo", "bob")
        carol = await register(api, "demo", "carol")  # reads the feed: nobody is shown their own items
        pgc = await publish(api, alice, "Expert piece", kind="PGC", tags=["x"])
        ugc = await publish(api, bob, "Member piece")
        event = await api.data(
            "mutation($i: RecordEventInput!) { recordEvent(input: $i) { ok } }",
            {"i": {"contentId": ugc, "type": "OPEN"}},
            token=alice.token,
        )
        subscribe = (
            "mutation($i: SubscribeInput!) { subscribe(input: $i) { subscription { id status plan { name } } } }"
        )
        first = await api.data(subscribe, {"i": {"planId": plan_id, "idempotencyKey": "k-1"}}, token=bob.token)
        replay = await api.data(subscribe, {"i": {"planId": plan_id, "idempotencyKey": "k-1"}}, token=bob.token)
        me = await api.data(
            "{ me { handle tier community { slug } membership { status plan { name } } } }", token=bob.token
        )
        feed = await api.data(
            "{ feed(slot: MORNING, scene: BEFORE_DECISION, first: 10) { items { content { id author { handle } } } } }",
            token=carol.token,
        )
        login = await api.data(
            "mutation($i: LoginInput!) { login(input: $i) { token } }",
            {"i": {"communitySlug": "demo", "handle": "alice", "password": "alice password"}},
        )
        ready = await http.get("/readyz")
    assert event == {"recordEvent": {"ok": True}}
    assert replay == first
    assert first["subscribe"]["subscription"]["status"] == "ACTIVE"
    assert me["me"] == {
        "handle": "bob",
        "tier": "NEW",
        "community": {"slug": "demo"},
        "membership": {"status": "ACTIVE", "plan": {"name": "Gold"}},
    }
    ids: list[Any] = [item["content"]["id"] for item in feed["feed"]["items"]]
    assert sorted(ids) == sorted([pgc, ugc])
    assert login["login"]["token"].count(".") == 2
    assert ready.json()["ready"] is True
