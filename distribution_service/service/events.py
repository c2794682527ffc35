"""Members' events as they happen (each checked against the community's content, stored, and acknowledged; the
ingest worker derives counters and delivery marks from them afterwards), events imported from another platform,
and each member's activity."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from bson import ObjectId

from content_service.client import ContentClient
from distribution_service.schemas import (
    ActivityByMember,
    ContentEngagers,
    EventBatch,
    EventCreate,
    EventImportBatch,
    EventRecorded,
    EventsRecorded,
    MemberActivity,
    MemberEventCounts,
)
from distribution_service.service.event_items import EventItems
from distribution_service.service.importing import import_events
from distribution_service.store import DistributionStore, Doc
from infra.bulk import ImportResult
from infra.errors import NotFoundError
from infra.moments import as_utc


def _no_wake() -> None:
    return None


class EventsService:
    def __init__(
        self,
        store: DistributionStore,
        content: ContentClient,
        *,
        on_stored: Callable[[], None] = _no_wake,
        item_ttl_seconds: float = 0.0,
    ) -> None:
        self.store = store
        self.content = content
        # The items' snapshots events copy, kept a few seconds (service/event_items.py).
        self.items = EventItems(content, ttl_seconds=item_ttl_seconds)
        # Wakes the ingest worker (service/ingest_worker.py) once events are stored.
        self.on_stored = on_stored

    async def record_events(self, cid: ObjectId, batch: EventBatch) -> EventsRecorded:
        """Check the batch (at most one content lookup, for the items not kept), store it (one journaled
        transaction) and answer, whatever its size. Counters are not touched here: the ingest worker derives them
        right after, so a feed sees an event within the worker's lag (about a second)."""
        # Every item must be content of this community: events never cross tenants.
        found = await self.items.lookup(cid, list(dict.fromkeys(e.content_id for e in batch.events)))
        for e in batch.events:
            if found[e.content_id] is None:
                raise NotFoundError(f"no content with id {e.content_id} in this community", field="contentId")
        now = datetime.now(UTC)
        # A batch names few distinct members and items: each id parsed once.
        oids: dict[str, ObjectId] = {}
        docs: list[Doc] = []
        for e in batch.events:
            item = found[e.content_id]
            assert item is not None
            member_oid = oids.get(e.member_id) or oids.setdefault(e.member_id, ObjectId(e.member_id))
            content_oid = oids.get(e.content_id) or oids.setdefault(e.content_id, ObjectId(e.content_id))
            doc: Doc = {
                "community_id": cid,
                "member_id": member_oid,
                "content_id": content_oid,
                "type": e.type.value,
                "slot": e.slot.value if e.slot else None,
                "scene": e.scene.value if e.scene else None,
                "occurred_at": min(_utc(e.occurred_at) if e.occurred_at else now, now),
                "received_at": now,
                "dwell_ms": e.dwell_ms,
                # The item as it was when the event happened: member history and affinities read this snapshot.
                "tags": list(item.tags),
                "author_id": item.author_id,
                "kind": item.kind,
            }
            if item.thread_id:
                doc["thread_id"] = ObjectId(item.thread_id)
            if e.client_event_id:
                doc["client_event_id"] = e.client_event_id
            if e.decision_id:
                doc["decision_id"] = ObjectId(e.decision_id)
            docs.append(doc)
        results = await self.store.events.insert_events(docs)
        if not all(duplicate for _, duplicate in results):
            self.on_stored()
        return EventsRecorded(items=[EventRecorded(id=str(i), duplicate=d) for i, d in results])

    async def record_event(self, cid: ObjectId, event_in: EventCreate) -> EventRecorded:
        return (await self.record_events(cid, EventBatch(events=[event_in]))).items[0]

    async def import_events(self, cid: ObjectId, batch: EventImportBatch) -> ImportResult:
        return await import_events(self.store, self.content, cid, batch)

    async def content_engagers(
        self, cid: ObjectId, content_id: ObjectId, since: datetime, until: datetime
    ) -> ContentEngagers:
        return ContentEngagers(member_ids=await self.store.events.list_content_engagers(cid, content_id, since, until))

    async def member_event_counts(
        self, cid: ObjectId, member_id: ObjectId, since: datetime, until: datetime
    ) -> MemberEventCounts:
        """The member's recorded events by type in [since, until), read from the event log itself."""
        return MemberEventCounts(counts=await self.store.events.count_member_events(cid, member_id, since, until))

    async def activity_by_member(self, cid: ObjectId, since: datetime | None) -> ActivityByMember:
        rows = await self.store.events.member_activity.aggregate_activity_by_member(cid, since)
        return ActivityByMember(
            members={
                str(row["_id"]): MemberActivity(
                    events=row["events"], engagement=round(row["engagement"], 6), last_at=row["last_at"]
                )
                for row in rows
            }
        )


def _utc(at: datetime) -> datetime:
    """A client's time without an offset is UTC, as imports take it (service/importing.py): compared with an aware
    `now`, it would fail the request (an INTERNAL error) instead."""
    return as_utc(at)
