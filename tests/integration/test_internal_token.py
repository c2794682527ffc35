"""With INTERNAL_API_TOKEN set, services refuse callers without it; the platform's own clients carry it."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import create_community, register


async def test_clients_carry_the_internal_token(gateway_with: Any) -> None:
    async with gateway_with(internal_api_token="s3cret-internal") as api:
        await create_community(api, "demo")
        bob = await register(api, "demo", "bob")
        me = await api.data("{ me { handle } }", token=bob.token)
    assert me == {"me": {"handle": "bob"}}


async def test_service_refuses_a_call_without_the_token(gateway_with: Any) -> None:
    async with gateway_with(internal_api_token="s3cret-internal") as api:
        users_app = api.app.state.services.apps["users"]
        transport = httpx.ASGITransport(app=users_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://users") as raw:
            refused = await raw.get("/communities/by-slug/demo")
            health = await raw.get("/healthz")
    assert (refused.status_code, refused.json()["code"]) == (403, "FORBIDDEN")
    assert health.status_code == 200
