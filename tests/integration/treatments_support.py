"""Putting members in RFM layers for tests of what the layers' treatments do (as a tier run leaves them)."""

from __future__ import annotations

from bson import ObjectId

from tests.db_client import db_client
from tests.factories import Api, Member


def set_layer(api: Api, members: list[Member], layer: str) -> None:
    """The members' RFM layer, as the tier batch job writes it."""
    with db_client(api.settings.mongodb_uri) as client:
        client[api.settings.database_name("users")]["members"].update_many(
            {"_id": {"$in": [ObjectId(m.id) for m in members]}}, {"$set": {"rfm_layer": layer}}
        )
