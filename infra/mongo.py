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


def retry_writes(uri: str) -> bool:
    """Retryable writes are off unless the URI asks for them (`retryWrites=true`).

    Why off: SecantusDB keeps a record per retryable write, and its writes slow ~10x once it holds ~10,000 of them
    (until a restart), so every writer of the platform would age with the database. Why that is safe here: no
    platform write needs the server to de-duplicate a driver retry. Events and imports are keyed by a unique
    client id (and events by an `_id` chosen before the insert, which the event store retries itself); deliveries,
    follows and counters' upserts are keyed by their natural key; multi-document writes run in transactions,
    whose commit the driver retries under the transactions spec whatever this option says. Without the option a
    network error on a write is raised instead of retried: a caller may see an error, never a write applied twice.
    """
    return "retrywrites=true" in uri.lower().replace(" ", "")


def create_mongo_client(uri: str, *, app_name: str) -> AsyncMongoClient[MongoDocument]:
    return AsyncMongoClient(
        uri,
        appname=app_name,
        tz_aware=True,
        serverSelectionTimeoutMS=5000,
        retryWrites=retry_writes(uri),
        event_listeners=[DatabaseErrorListener()],
    )
