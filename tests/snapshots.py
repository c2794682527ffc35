"""Build an expensive fixture once per test process, then give every later test its own copy of the data.

A fixture such as "a community with logged decisions and a model trained on them" takes many seconds to build
through the gateway. The first test builds it for real; its databases are then copied, document for document, into
each later test's own fresh databases (same ids, so the members' tokens still sign in). Every test still starts its
own gateway over its own databases: nothing a test changes reaches another.
"""

from __future__ import annotations

from typing import Any

from pymongo import MongoClient

from infra.settings import SERVICE_NAMES, ServiceName, Settings

# service -> collection -> documents
Snapshot = dict[ServiceName, dict[str, list[dict[str, Any]]]]


def take(settings: Settings) -> Snapshot:
    """Every document of the test's four databases (call it once the ingest worker has nothing pending)."""
    assert settings.mongodb_uri
    client: MongoClient[dict[str, Any]] = MongoClient(settings.mongodb_uri)
    try:
        snapshot: Snapshot = {}
        for service in SERVICE_NAMES:
            db = client[settings.database_name(service)]
            snapshot[service] = {name: list(db[name].find()) for name in db.list_collection_names()}
        return snapshot
    finally:
        client.close()


def restore(settings: Settings, snapshot: Snapshot) -> None:
    """Replace the test's own (freshly started) databases' documents with a snapshot's; indexes stay."""
    assert settings.mongodb_uri
    client: MongoClient[dict[str, Any]] = MongoClient(settings.mongodb_uri)
    try:
        for service, collections in snapshot.items():
            db = client[settings.database_name(service)]
            for name, docs in collections.items():
                db[name].delete_many({})  # what this gateway's start-up seeded (templates and the like)
                if docs:
                    db[name].insert_many(docs, ordered=False)
    finally:
        client.close()
