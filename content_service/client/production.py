"""ContentClient's production calls (mixed into `content_service.client.ContentClient`)."""

from __future__ import annotations

from typing import Any

from content_service.schemas.access import ANONYMOUS_VIEWER, ViewerRef
from content_service.schemas.production import (
    AuditEntry,
    AuditList,
    ContentEdit,
    ContentMixRead,
    ContentSettingsRead,
    ContentSettingsUpdate,
    RevisionList,
    RevisionRead,
    Transition,
    TransitionResult,
)
from infra.http import ServiceClient
from infra.paths import community_path, segment


class ProductionCalls(ServiceClient):
    async def get_content_settings(self, community_id: str) -> ContentSettingsRead:
        return ContentSettingsRead.model_validate(
            await self._call("GET", f"{community_path(community_id)}/content-settings")
        )

    async def update_content_settings(self, community_id: str, update: ContentSettingsUpdate) -> ContentSettingsRead:
        path = f"{community_path(community_id)}/content-settings"
        return ContentSettingsRead.model_validate(await self._call("PATCH", path, json=update.to_wire()))

    async def transition(self, community_id: str, content_id: str, change: Transition) -> TransitionResult:
        path = f"{community_path(community_id)}/content/{segment(content_id, field='contentId')}/transitions"
        return TransitionResult.model_validate(await self._call("POST", path, json=change.to_wire()))

    async def edit(self, community_id: str, content_id: str, edit: ContentEdit) -> int:
        path = f"{community_path(community_id)}/content/{segment(content_id, field='contentId')}/edits"
        body: dict[str, Any] = await self._call("POST", path, json=edit.to_wire())
        return int(body["revision"])

    async def revisions(
        self,
        community_id: str,
        content_id: str,
        *,
        viewer: ViewerRef = ANONYMOUS_VIEWER,
        viewer_id: str | None = None,
        limit: int = 100,
    ) -> list[RevisionRead]:
        """Oldest first, at most `limit`; NOT_FOUND unless the viewer (`viewer_id`: that member) may read the
        piece, and none when the paywall locks it for them."""
        path = f"{community_path(community_id)}/content/{segment(content_id, field='contentId')}/revisions"
        who = ViewerRef.member(viewer_id) if viewer_id else viewer
        params: dict[str, Any] = {"limit": limit, "viewer": who.to_wire()}
        return RevisionList.model_validate(await self._call("GET", path, params=params)).items

    async def audit(self, community_id: str, *, target_id: str | None = None, limit: int = 100) -> list[AuditEntry]:
        params: dict[str, Any] = {"limit": limit}
        if target_id:
            params["targetId"] = target_id
        body = await self._call("GET", f"{community_path(community_id)}/audit", params=params)
        return AuditList.model_validate(body).items

    async def content_mix(self, community_id: str, *, window_days: int | None = None) -> ContentMixRead:
        params = {"window": window_days} if window_days is not None else None
        body = await self._call("GET", f"{community_path(community_id)}/content-mix", params=params)
        return ContentMixRead.model_validate(body)
