"""The embedded server answering late while busy: its clients keep their connections and the work in flight on
them, where the platform's default connect timeout (a deployment's MongoDB) drops both.

The stall is SecantusDB's `failCommand` fail point (`--enable-test-commands`): it holds this client's `hello`
(every heartbeat) and its `find` for BLOCK_MS, longer than the 2 s default connect timeout with which PyMongo's
monitor reads a heartbeat, shorter than the embedded server's (infra/embedded.py, CLIENT_CONNECT_TIMEOUT_MS). And
the pool drops a connection left unused before the server closes it as idle (CLIENT_MAX_IDLE_MS).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.errors import AutoReconnect
from secantus.server import DEFAULT_CLIENT_IDLE_TIMEOUT_S

from infra import embedded
from infra.mongo import CONNECT_TIMEOUT_MS, create_mongo_client

BLOCK_MS = 6_000
# The fastest heartbeat PyMongo allows: the stalled heartbeat comes within the stalled `find`.
FAST_HEARTBEAT = "&heartbeatFrequencyMS=500"


@pytest.fixture(scope="module")
def server() -> Iterator[embedded.EmbeddedServer]:
    started = embedded.EmbeddedServer(":memory:", test_commands=True)
    started.start()
    try:
        yield started
    finally:
        started.stop()


@asynccontextmanager
async def stalled(server: embedded.EmbeddedServer, app_name: str) -> AsyncIterator[None]:
    """`hello` and `find` of the clients named `app_name` held BLOCK_MS on the server, until the block ends."""
    admin: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(server.uri, appname="fail-point-admin")
    fail_point = {"configureFailPoint": "failCommand"}
    try:
        await admin.admin.command(
            {
                **fail_point,
                "mode": "alwaysOn",
                "data": {
                    "failCommands": ["hello", "find"],
                    "appName": app_name,
                    "blockConnection": True,
                    "blockTimeMS": BLOCK_MS,
                },
            }
        )
        yield
    finally:
        await admin.admin.command({**fail_point, "mode": "off"})
        await admin.close()


async def find_during_stall(server: embedded.EmbeddedServer, uri: str, app_name: str) -> list[dict[str, Any]]:
    """A `find` whose answer, and the client's heartbeats meanwhile, the server holds BLOCK_MS."""
    client = create_mongo_client(uri, app_name=app_name)
    things = client["stall"]["things"]
    try:
        await things.insert_one({"_id": app_name})  # connected and the server known before the stall
        async with stalled(server, app_name):
            return await things.find({"_id": app_name}).to_list()
    finally:
        await client.close()


def test_the_embedded_server_address_names_its_connect_timeout(server: embedded.EmbeddedServer) -> None:
    client = create_mongo_client(server.uri, app_name="options")
    assert client.options.pool_options.connect_timeout == embedded.CLIENT_CONNECT_TIMEOUT_MS / 1000
    assert embedded.CLIENT_CONNECT_TIMEOUT_MS > BLOCK_MS > CONNECT_TIMEOUT_MS


def test_a_pooled_connection_is_dropped_before_the_server_drops_it(server: embedded.EmbeddedServer) -> None:
    """The client closes an unused connection well before SecantusDB closes one that sent nothing."""
    client = create_mongo_client(server.uri, app_name="options")
    max_idle = client.options.pool_options.max_idle_time_seconds
    assert max_idle == embedded.CLIENT_MAX_IDLE_MS / 1000
    assert max_idle * 2 <= DEFAULT_CLIENT_IDLE_TIMEOUT_S


async def test_a_late_heartbeat_keeps_the_work_in_flight(server: embedded.EmbeddedServer) -> None:
    found = await find_during_stall(server, server.uri + FAST_HEARTBEAT, "patient")
    assert found == [{"_id": "patient"}]


async def test_the_default_connect_timeout_drops_it(server: embedded.EmbeddedServer) -> None:
    """The reproduction: the platform's default for a URI that names no connect timeout cancels the `find`."""
    default_timeouts = f"mongodb://127.0.0.1:{server.port}/?directConnection=true{FAST_HEARTBEAT}"
    with pytest.raises(AutoReconnect):
        await find_during_stall(server, default_timeouts, "hasty")
