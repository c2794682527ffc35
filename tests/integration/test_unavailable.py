"""A service that is down costs only the fields it owns."""

from __future__ import annotations

import socket
from typing import Any

from tests.factories import create_community, register


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_billing_down_leaves_the_rest_of_me(gateway_with: Any) -> None:
    async with gateway_with(billing_service_url=f"http://127.0.0.1:{closed_port()}", service_timeout_seconds=2) as api:
        await create_community(api, "demo")
        bob = await register(api, "demo", "bob")
        body = await api.post("{ me { handle membership { status } } }", token=bob.token)
        ready = await api.http.get("/readyz")
    assert body["data"] == {"me": {"handle": "bob", "membership": None}}
    assert body["errors"][0]["path"] == ["me", "membership"]
    assert body["errors"][0]["extensions"] == {"code": "UNAVAILABLE"}
    assert ready.status_code == 503
    assert ready.json()["services"] == {"users": True, "content": True, "distribution": True, "billing": False}
