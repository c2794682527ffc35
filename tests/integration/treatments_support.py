"""Putting members in RFM layers for tests of what the layers' treatments do (as a tier run leaves them)."""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from pymongo import MongoClient

from tests.factories import Api, Member


def set_layer(api: Api, members: list[Member], layer: str) -> None:
    """The members' RFM layer, as the tier batch job writes it."""
    client: MongoClient[dict[str, Any]] = MongoClient(api.settings.mongodb_uri)
    try:
        client[api.settings.database_name("users")]["members"].update_many(
            {"_id": {"$in": [ObjectId(m.id) for m in members]}}, {"$set": {"rfm_layer": layer}}
        )
    finally:
        client.close()
