"""The collections every part of the store works on."""

from __future__ import annotations

from typing import Any

from gridfs import AsyncGridFSBucket
from pymongo.asynchronous.database import AsyncDatabase

from distribution_service.domain.honeycomb import EventType

Doc = dict[str, Any]
ENGAGEMENT_TYPES = [t.value for t in EventType if t is not EventType.IMPRESSION]
DUPLICATE_KEY = 11000
HISTORY_FIELDS = {
    "member_id": 1,
    "content_id": 1,
    "type": 1,
    "occurred_at": 1,
    "tags": 1,
    "author_id": 1,
    "kind": 1,
    "dwell_ms": 1,
}


def mark_engaged(docs: list[Doc]) -> list[Doc]:
    """Stamp each event's `engaged` flag (True unless an impression) before it is stored.

    "A member's engagement events" is then an equality on an index prefix (community_id, engaged, member_id, ...)
    instead of a `type: {$in: ...}` filter beyond the index's fields, which SecantusDB answers with a collection
    scan (docs/ranking.md, "Query plans"). Every writer of `events` goes through the store, so all events carry it.
    """
    for doc in docs:
        doc["engaged"] = doc["type"] != EventType.IMPRESSION.value
    return docs


class StoreBase:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.db = db
        self.events = db["events"]
        self.item_stats = db["item_stats"]
        # Each item's engagement per UTC day, for recent days (TTL): the 7-day popularity feature's source.
        self.item_daily = db["item_daily"]
        self.decisions = db["decisions"]
        self.deliveries = db["deliveries"]
        self.model_versions = db["model_versions"]
        self.model_pointers = db["model_pointers"]
        self.model_files = AsyncGridFSBucket(db, bucket_name="models")
        self.push_preferences = db["push_preferences"]
