"""Content imported in batches from another platform, in the state it had; re-runs create nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId

from content_service.domain.html import sanitize_html
from content_service.domain.kinds import REQUIRED_ROLE, ContentStatus, may_publish, normalise_tags
from content_service.schemas.content import ContentIdCheckResult, ContentImport, ContentImportBatch
from content_service.service.actors import Actors
from content_service.store import ContentStore, Doc
from infra.bulk import ImportedItem, ImportOutcome, ImportResult, SourceIdLookup, SourceIdMap, tally
from infra.moments import as_utc


def _content_doc(community_id: ObjectId, source: str, item: ContentImport, now: datetime) -> Doc:
    created_at = as_utc(item.created_at)
    published_at = as_utc(item.published_at) if item.published_at else None
    if published_at is None and item.status == ContentStatus.PUBLISHED:
        published_at = created_at
    return {
        "community_id": community_id,
        "author_id": ObjectId(item.author_id) if item.author_id else None,
        "kind": item.kind.value,
        "status": item.status.value,
        "title": item.title,
        "body": sanitize_html(item.body),
        "body_format": "HTML",
        "tags": normalise_tags(item.tags),
        "created_at": created_at,
        "published_at": published_at,
        "parent_id": ObjectId(item.parent_id) if item.parent_id else None,
        "source": source,
        "source_id": item.source_id,
        "imported_at": now,
    }


def _refusal(item: ContentImport, roles: dict[str, tuple[str, ...]], parents: set[ObjectId]) -> str | None:
    if item.author_id is not None:
        if item.author_id not in roles:
            return "author is not a member of this community"
        if not may_publish(item.kind, roles[item.author_id]):
            return f"{item.kind.value} content needs the {REQUIRED_ROLE[item.kind]} role"
    if item.parent_id is not None and ObjectId(item.parent_id) not in parents:
        return "parent is not content of this community"
    return None


class ImportService:
    def __init__(self, store: ContentStore, actors: Actors) -> None:
        self.store = store
        self.actors = actors

    async def known_ids(self, community_id: ObjectId, content_ids: list[str]) -> ContentIdCheckResult:
        """The ids among `content_ids` that name content of this community, sorted, with each reply's thread."""
        known = await self.store.pieces.list_known_ids(community_id, [ObjectId(i) for i in dict.fromkeys(content_ids)])
        threads = {str(i): parent for i, parent in known.items() if parent is not None}
        return ContentIdCheckResult(known=sorted(str(i) for i in known), threads=threads)

    async def import_content(self, community_id: ObjectId, batch: ContentImportBatch) -> ImportResult:
        """Create the items not imported before; authors must be members, parents content of the community."""
        store = self.store.pieces
        # No lookup first: on a first import nothing is there; what the source key refuses is looked up after.
        roles = await self.actors.roles_of(
            community_id, list(dict.fromkeys(i.author_id for i in batch.items if i.author_id))
        )
        parent_ids = list({ObjectId(i.parent_id) for i in batch.items if i.parent_id})
        parents = set(await store.list_known_ids(community_id, parent_ids)) if parent_ids else set()
        now = datetime.now(UTC)
        planned: dict[str, Doc] = {}
        refusals: dict[str, str] = {}
        for item in batch.items:
            if item.source_id in planned or item.source_id in refusals:
                continue
            reason = _refusal(item, roles, parents)
            if reason:
                refusals[item.source_id] = reason
            else:
                planned[item.source_id] = _content_doc(community_id, batch.source, item, now)
        docs = list(planned.values())
        refused = await store.insert_imported_content(docs)
        there = [docs[i]["source_id"] for i in refused]
        existing = await store.list_content_ids_by_source(community_id, batch.source, there) if there else {}
        items: list[ImportedItem] = []
        for item in batch.items:
            source_id = item.source_id
            doc = planned.pop(source_id, None)
            if source_id in refusals:
                items.append(
                    ImportedItem(source_id=source_id, outcome=ImportOutcome.REJECTED, reason=refusals[source_id])
                )
            elif doc is not None and source_id not in existing:
                items.append(ImportedItem(source_id=source_id, outcome=ImportOutcome.CREATED, id=str(doc["_id"])))
                existing[source_id] = doc["_id"]
            else:
                items.append(
                    ImportedItem(source_id=source_id, outcome=ImportOutcome.SKIPPED, id=str(existing[source_id]))
                )
        return tally(items)

    async def ids_by_source(self, community_id: ObjectId, lookup: SourceIdLookup) -> SourceIdMap:
        """Platform ids of the content an import of `lookup.source` created under these source ids."""
        wanted = list(dict.fromkeys(lookup.source_ids))
        found = await self.store.pieces.list_content_ids_by_source(community_id, lookup.source, wanted)
        return SourceIdMap(ids={source_id: str(oid) for source_id, oid in found.items()})
