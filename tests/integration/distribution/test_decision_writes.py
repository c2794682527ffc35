"""A feed's one write: the decision and its impressions' outbox entry in a client-level bulk write, and the same
documents one insert per collection on a server without it (MongoDB before 8.0)."""

from __future__ import annotations

from typing import Any

import pytest
from bson import ObjectId
from pymongo.errors import InvalidOperation

from distribution_service.store import DistributionStore


def impression(community: ObjectId, member: ObjectId) -> dict[str, Any]:
    return {"community_id": community, "member_id": member, "content_id": ObjectId(), "type": "IMPRESSION"}


@pytest.mark.parametrize("client_bulk_write", [True, False])
async def test_the_decision_and_its_entry_are_both_stored(
    store: DistributionStore, monkeypatch: pytest.MonkeyPatch, client_bulk_write: bool
) -> None:
    community, member = ObjectId(), ObjectId()
    if not client_bulk_write:

        async def refused(*args: Any, **kwargs: Any) -> None:
            raise InvalidOperation("MongoClient.bulk_write requires MongoDB server version 8.0+.")

        monkeypatch.setattr(type(store.decisions.decisions.database.client), "bulk_write", refused)
    decision = {"_id": ObjectId(), "community_id": community, "member_id": member}
    entry = store.events.impressions_insert([impression(community, member), impression(community, member)])
    await store.decisions.insert_decisions([decision], also=[entry])
    assert await store.decisions.decisions.count_documents({"_id": decision["_id"]}) == 1
    stored = await store.events.outbox.entries.find_one({"_id": entry._doc["_id"]})
    assert stored is not None
    assert len(stored["events"]) == 2
