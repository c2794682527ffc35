"""Two gateway replicas, each with its own in-process services, sharing one Redis: one budget, not two; a key
revoked through one is refused by the other at once; and a Redis that does not answer fails open."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import uvicorn

from gateway.app import create_app
from infra.embedded import free_port
from infra.settings import Settings
from tests.conftest import running_gateway
from tests.factories import Api, create_community, register
from tests.integration.partners.support import REVOKE_KEY, TIER_DISTRIBUTION, create_key, tenant

COST_PER_MEMBER = 6  # `{ me { id } }` costs 1: the seventh, on either replica, is refused


@asynccontextmanager
async def replica(settings: Settings) -> AsyncIterator[Api]:
    """One gateway served by uvicorn on a free port of this host: a replica reached over real HTTP."""
    port = free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_config=None, access_log=False, lifespan="on"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        for _ in range(600):
            if server.started or task.done():
                break
            await asyncio.sleep(0.05)
        assert server.started, "the replica did not start"
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            yield Api(http, None, settings)
    finally:
        server.should_exit = True
        await task


async def test_two_replicas_share_one_member_budget(make_settings: Callable[..., Settings], redis_url: str) -> None:
    settings = make_settings(redis_url=redis_url, query_cost_per_member=f"{COST_PER_MEMBER}/minute")
    async with replica(settings) as a, replica(settings) as b:
        await create_community(a, "demo")
        bob = await register(b, "demo", "bob")
        answers: list[dict[str, Any]] = []
        for i in range(COST_PER_MEMBER + 1):
            gateway = (a, b)[i % 2]
            answers.append(await gateway.post("{ me { id } }", token=bob.token))
    remaining = [answer["extensions"]["cost"].get("remaining") for answer in answers[:COST_PER_MEMBER]]
    assert remaining == [5, 4, 3, 2, 1, 0]  # each replica sees what the other spent
    refused = answers[-1]
    assert refused["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


async def test_without_redis_each_replica_keeps_its_own_budget(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(query_cost_per_member="2/minute")
    async with replica(settings) as a, replica(settings) as b:
        await create_community(a, "demo")
        bob = await register(a, "demo", "bob")
        spent = [await gateway.post("{ me { id } }", token=bob.token) for gateway in (a, a, b, b)]
    assert all("errors" not in answer for answer in spent)


async def test_a_key_revoked_through_one_replica_is_refused_by_the_other_at_once(
    make_settings: Callable[..., Settings], redis_url: str
) -> None:
    settings = make_settings(redis_url=redis_url, api_key_cache_seconds=600)
    async with running_gateway(settings) as a, running_gateway(settings) as b:
        acme = await tenant(a, "acme")
        secret, key = await create_key(a, acme.operator, ["analytics:read"])
        await b.data(TIER_DISTRIBUTION, token=secret)  # cached by replica b for ten minutes
        await a.data(REVOKE_KEY, {"input": {"id": key["id"]}}, token=acme.operator.token)
        errors = await b.errors(TIER_DISTRIBUTION, token=secret)
    assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_an_unreachable_redis_fails_open(make_settings: Callable[..., Settings]) -> None:
    nobody = f"redis://127.0.0.1:{free_port()}/0"
    async with running_gateway(make_settings(redis_url=nobody, query_cost_per_member="1/minute")) as api:
        await create_community(api, "demo")
        bob = await register(api, "demo", "bob")
        answers = [await api.post("{ me { id } }", token=bob.token) for _ in range(3)]
    assert all("errors" not in answer for answer in answers), answers
