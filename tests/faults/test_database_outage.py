"""The database stops: clients hear UNAVAILABLE (never INTERNAL), `/readyz` answers 503 at once, and when the
database is back on its address the services use it again by themselves."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from infra.embedded import EmbeddedServer
from infra.settings import Settings
from tests.conftest import running_gateway
from tests.factories import Api, create_community, publish, register

ME = "{ me { handle } }"


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[list[EmbeddedServer]]:
    """Servers of this test's own (the session's stays up), on one data folder; all stopped after."""
    started: list[EmbeddedServer] = []
    try:
        yield started
    finally:
        for server in started:
            server.stop()


def start(servers: list[EmbeddedServer], storage: Path, port: int | None = None) -> EmbeddedServer:
    server = EmbeddedServer(str(storage), port=port)
    servers.append(server)
    server.start()
    return server


async def recovered(api: Api, token: str) -> bool:
    for _ in range(200):  # bounded: the driver finds the server again within its heartbeat
        body = await api.post(ME, token=token)
        if "errors" not in body:
            return True
        await asyncio.sleep(0.1)
    return False


async def test_an_outage_is_unavailable_and_heals(
    servers: list[EmbeddedServer], tmp_path: Path, make_settings: Callable[..., Settings]
) -> None:
    database = start(servers, tmp_path / "data")
    settings = make_settings(mongodb_uri=database.uri)
    async with running_gateway(settings) as api:
        await create_community(api, "demo")
        bob = await register(api, "demo", "bob")
        database.stop()  # a stopped server, not a paused one: connections are refused

        read = await api.post(ME, token=bob.token)
        write = await api.post(
            "mutation($i: PublishContentInput!) { publishContent(input: $i) { id } }",
            {"i": {"title": "t", "body": "b", "kind": "UGC", "tags": []}},
            token=bob.token,
        )
        down = await api.http.get("/readyz")

        start(servers, tmp_path / "data", database.port)  # the same port and data, as the platform's supervisor does
        healed = await recovered(api, bob.token)
        up = await api.http.get("/readyz")
        await publish(api, bob, "after the outage")

    assert {e["extensions"]["code"] for e in read["errors"]} == {"UNAVAILABLE"}
    assert {e["extensions"]["code"] for e in write["errors"]} == {"UNAVAILABLE"}
    assert down.status_code == 503
    assert set(down.json()["services"].values()) == {False}
    assert healed
    assert up.status_code == 200
