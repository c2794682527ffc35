"""Members imported in batches from another platform, keeping their history; re-runs create nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId

from infra.bulk import ImportedItem, ImportOutcome, ImportResult, SourceIdLookup, SourceIdMap, tally
from infra.moments import as_utc
from users_service.domain.roles import Role, with_role
from users_service.domain.tiers import initial_tier
from users_service.schemas.members import MemberImport, MemberImportBatch
from users_service.service.communities import CommunitiesService
from users_service.store.base import Doc
from users_service.store.members import MembersStore


def _member_doc(community_id: ObjectId, source: str, member_in: MemberImport, now: datetime) -> Doc:
    roles: list[str] = [Role.MEMBER]
    for role in member_in.roles:
        roles = with_role(roles, role)
    return {
        "community_id": community_id,
        "handle": member_in.handle,
        "display_name": member_in.display_name,
        # Imported members have no password: they sign in once they claim the account.
        "password_hash": None,
        "roles": roles,
        "tier": (member_in.tier or initial_tier()).value,
        "joined_at": as_utc(member_in.joined_at),
        "last_seen_at": as_utc(member_in.last_seen_at) if member_in.last_seen_at else None,
        "reputation": member_in.reputation,
        "source": source,
        "source_id": member_in.source_id,
        "imported_at": now,
    }


class ImportingService:
    def __init__(self, store: MembersStore, communities: CommunitiesService) -> None:
        self.store = store
        self.communities = communities

    async def import_members(self, community_id: ObjectId, batch: MemberImportBatch) -> ImportResult:
        """Create the members not imported before; each item says CREATED, SKIPPED or REJECTED (handle taken)."""
        await self.communities.get_or_raise(community_id)
        # No lookup first: on a first import nothing is there; what the source key refuses is looked up after.
        now = datetime.now(UTC)
        planned: dict[str, Doc] = {}
        for member_in in batch.members:
            if member_in.source_id not in planned:
                planned[member_in.source_id] = _member_doc(community_id, batch.source, member_in, now)
        docs = list(planned.values())
        refused = await self.store.insert_imported(docs)
        if len(refused) < len(docs):
            await self.communities.mark_imported(community_id, now)
        # Refused on either key: when the source id is there, it was imported before (a skip); else the handle is taken.
        there = [docs[i]["source_id"] for i in refused]
        existing = await self.store.list_ids_by_source(community_id, batch.source, there) if there else {}
        rejected = {source_id for source_id in there if source_id not in existing}
        items: list[ImportedItem] = []
        for member_in in batch.members:
            source_id = member_in.source_id
            doc = planned.pop(source_id, None)
            if source_id in rejected:
                items.append(
                    ImportedItem(source_id=source_id, outcome=ImportOutcome.REJECTED, reason="handle is taken")
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
        """Platform ids of the members an import of `lookup.source` created under these source ids."""
        found = await self.store.list_ids_by_source(community_id, lookup.source, list(dict.fromkeys(lookup.source_ids)))
        return SourceIdMap(ids={source_id: str(oid) for source_id, oid in found.items()})
