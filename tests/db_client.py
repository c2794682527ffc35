"""One pymongo client per session's database server for the helpers that read ground truth or drop databases.

Why: a client per call costs a connection, a handshake and a monitor thread on both sides (about 10 ms of CPU and
a server thread each), and nearly every test makes one or more such calls. Clients of any other server (an outage
test's own) stay per call, so nothing is left open on a server that a test stops.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pymongo import MongoClient

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
