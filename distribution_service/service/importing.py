"""Events imported in batches from another platform with their original times; re-runs add nothing.

An event that names a member goes to `events` (it is that member's activity); one that names none (a Stack
Exchange up/down vote) goes to `item_signals`. Both bump the item's counters in `item_stats` exactly once.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId

from content_service.client import ContentClient
from distribution_service.schemas import EventImport, EventImportBatch
from distribution_service.store import DistributionStore, Doc
from infra.bulk import ImportedItem, ImportOutcome, ImportResult, tally
from infra.moments import as_utc

UNKNOWN_CONTENT = "content is not in this community"
# Content never changes community or thread, so a confirmed (community, content) pair and its thread stay true:
# remembering them spares the content service a lookup per batch. Bounded; forgotten all at once when full.
KNOWN_CONTENT_LIMIT = 200_000
# The content service's id check takes at most this many ids a call.
LOOKUP_CHUNK = 1000
# (community, content) -> the item's thread (an answer's question), None for an item that is its own thread.
_known_content: dict[tuple[str, str], str | None] = {}


async def _content_in_community(
    content: ContentClient, community_id: str, content_ids: list[str]
) -> dict[str, str | None]:
    """The ids that name content of this community, each with its thread (`parent_id`), so that activity on a
    reply also counts as activity of its thread (store/item_counters.py)."""
    unknown = [i for i in dict.fromkeys(content_ids) if (community_id, i) not in _known_content]
    found: dict[str, str | None] = {}
    for lo in range(0, len(unknown), LOOKUP_CHUNK):
        chunk = [i for i in unknown[lo : lo + LOOKUP_CHUNK] if ObjectId.is_valid(i)]
        found |= await content.known_threads(community_id, chunk) if chunk else {}
    if len(_known_content) + len(found) > KNOWN_CONTENT_LIMIT:
        _known_content.clear()
    _known_content.update({(community_id, i): thread for i, thread in found.items()})
    known = {i: _known_content.get((community_id, i)) for i in content_ids if (community_id, i) in _known_content}
    return known | found


def event_key(source: str, source_id: str) -> str:
    """The client event id of an imported event: the same source id always names the same event."""
    return f"import:{source}:{source_id}"


def _event_doc(
    community_id: ObjectId, source: str, event_in: EventImport, now: datetime, thread_id: str | None = None
) -> Doc:
    occurred_at = as_utc(event_in.occurred_at)
    doc: Doc = {
        "community_id": community_id,
        "content_id": ObjectId(event_in.content_id),
        "type": event_in.type.value,
        "slot": event_in.slot.value if event_in.slot else None,
        "scene": event_in.scene.value if event_in.scene else None,
        "occurred_at": min(occurred_at, now),
        "received_at": now,
        "dwell_ms": event_in.dwell_ms,
        "client_event_id": event_key(source, event_in.source_id),
        "source": source,
        "source_id": event_in.source_id,
    }
    if event_in.member_id:
        doc["member_id"] = ObjectId(event_in.member_id)
    if thread_id:
        doc["thread_id"] = ObjectId(thread_id)
    return doc


async def import_events(
    store: DistributionStore, content: ContentClient, cid: ObjectId, batch: EventImportBatch
) -> ImportResult:
    """Store the events not imported before; an event about content outside the community is rejected.

    No lookup first: the unique key refuses what is already stored, and a refusal is a skip.
    """
    known_content = await _content_in_community(content, str(cid), [e.content_id for e in batch.events])
    now = datetime.now(UTC)
    outcomes: dict[str, ImportOutcome] = {}
    events: list[Doc] = []
    signals: list[Doc] = []
    for event_in in batch.events:
        key = event_key(batch.source, event_in.source_id)
        if key in outcomes:
            continue
        if event_in.content_id not in known_content:
            outcomes[key] = ImportOutcome.REJECTED
        else:
            outcomes[key] = ImportOutcome.CREATED
            doc = _event_doc(cid, batch.source, event_in, now, known_content[event_in.content_id])
            (events if event_in.member_id else signals).append(doc)
    created: list[Doc] = []
    for docs, insert in ((events, store.events.insert_imported_events), (signals, store.events.insert_item_signals)):
        refused = await insert(docs)
        for position, doc in enumerate(docs):
            if position in refused:
                outcomes[doc["client_event_id"]] = ImportOutcome.SKIPPED
            else:
                created.append(doc)
    # Only what this call stored bumps the counters, so a re-run leaves them as they are.
    await store.events.add_to_item_stats(cid, created)
    await store.events.add_to_member_recent(created)
    items: list[ImportedItem] = []
    reported: set[str] = set()
    for event_in in batch.events:
        key = event_key(batch.source, event_in.source_id)
        outcome = outcomes[key] if key not in reported else ImportOutcome.SKIPPED
        reported.add(key)
        reason = UNKNOWN_CONTENT if outcome == ImportOutcome.REJECTED else None
        items.append(ImportedItem(source_id=event_in.source_id, outcome=outcome, reason=reason))
    return tally(items, keep=frozenset({ImportOutcome.REJECTED}))
