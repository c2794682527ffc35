"""The community's audit log, newest first: every write of this service is recorded in its transaction."""

from __future__ import annotations

from bson import ObjectId

from content_service.schemas.production import AuditEntry
from content_service.store import ContentStore


class AuditService:
    def __init__(self, store: ContentStore) -> None:
        self.store = store

    async def entries(self, community_id: ObjectId, *, target_id: str | None, limit: int) -> list[AuditEntry]:
        docs = await self.store.audit.list_entries(community_id, target_id=target_id, limit=limit)
        return [
            AuditEntry(
                at=d["at"],
                actor_id=d.get("actor_id"),
                action=d["action"],
                target_type=d["target_type"],
                target_id=d["target_id"],
                detail=d.get("detail", {}),
            )
            for d in docs
        ]
