"""What the store modules share: the document type, the duplicate-key code, and the `engaged` flag of events."""

from __future__ import annotations

from typing import Any

from distribution_service.domain.honeycomb import EventType

Doc = dict[str, Any]
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
