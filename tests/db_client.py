"""One pymongo client per session's database server for the helpers that read ground truth or drop databases.

Why: a client per call costs a connection, a handshake and a monitor thread on both sides (about 10 ms of CPU and
a server thread each), and nearly every test makes one or more such calls. Clients of any other server (an outage
test's own) stay per call, so nothing is left open on a server that a test stops. `KeptServiceClients` does the
same for the services' async clients from one test's gateway to the next.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from pymongo import AsyncMongoClient, MongoClient

_shared: dict[str, MongoClient[dict[str, Any]]] = {}


def share(uri: str) -> None:
    """Keep one client on `uri` (the session's server) until `close_shared`."""
    _shared[uri] = MongoClient(uri)


def close_shared() -> None:
    while _shared:
        _shared.popitem()[1].close()


@contextmanager
def db_client(uri: str | None) -> Iterator[MongoClient[dict[str, Any]]]:
    """The shared client when `uri` is the session's server, else a client of its own, closed on the way out."""
    assert uri
    shared = _shared.get(uri)
    if shared is not None:
        yield shared
        return
    client: MongoClient[dict[str, Any]] = MongoClient(uri)
    try:
        yield client
    finally:
        client.close()


class _KeptClient:
    """A service's client kept open for the next test's gateway: its lifespan's `close()` leaves it open."""

    def __init__(self, client: AsyncMongoClient[dict[str, Any]]) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def __getitem__(self, name: str) -> Any:
        return self._client[name]

    async def close(self) -> None:
        return None


class KeptServiceClients:
    """`infra.mongo.create_mongo_client` for the session's server: one client per app name, kept across tests.

    Why: each gateway a test starts opens four services' clients (pools, monitors, ~14 connections with their
    handshakes), about 50 ms of client and 30 ms of server CPU per test. Kept per app name (fail points may
    filter by it) and only on the session's server and event loop: an outage test's own server, a command's
    own `asyncio.run` and the processes tests get the platform's own client, opened and closed as in production.
    """

    def __init__(self, create: Callable[..., Any], uri: str, loop: asyncio.AbstractEventLoop) -> None:
        self._create = create
        self._uri = uri
        self._loop = loop
        self._kept: dict[str, Any] = {}

    def __call__(self, uri: str, *, app_name: str) -> Any:
        if uri != self._uri or _running_loop() is not self._loop:
            return self._create(uri, app_name=app_name)
        kept = self._kept.get(app_name)
        if kept is None:
            kept = self._kept[app_name] = _KeptClient(self._create(uri, app_name=app_name))
        return kept

    async def close(self) -> None:
        while self._kept:
            await self._kept.popitem()[1]._client.close()


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
