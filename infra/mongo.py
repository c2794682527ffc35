"""Where the platform's MongoDB is, and the one way to open a client to it."""

from __future__ import annotations

import atexit
from typing import Any

from pymongo import AsyncMongoClient

from infra import embedded
from infra.metrics import DatabaseErrorListener
from infra.settings import Settings

MongoDocument = dict[str, Any]


def resolve_mongodb_uri(settings: Settings) -> str:
    """`MONGODB_URI` if set; else the embedded server named in `var/` if it answers; else start it.

    A server this call starts is stopped when the process exits.
    """
    if settings.mongodb_uri:
        return settings.mongodb_uri
    uri, server = embedded.acquire(settings.var_dir)
    if server is not None:
        atexit.register(embedded.release, settings.var_dir, server)
    return uri


def create_mongo_client(uri: str, *, app_name: str) -> AsyncMongoClient[MongoDocument]:
    return AsyncMongoClient(
        uri,
        appname=app_name,
        tz_aware=True,
        serverSelectionTimeoutMS=5000,
        event_listeners=[DatabaseErrorListener()],
    )
