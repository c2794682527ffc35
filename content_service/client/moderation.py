"""ContentClient's moderation calls (mixed into `content_service.client.ContentClient`)."""

from __future__ import annotations

from typing import Any

from content_service.schemas.moderation import (
    ComplaintCreate,
    ComplaintList,
    ComplaintRead,
    HideRecordRead,
    ModerationDecision,
)
from infra.http import ServiceClient
from infra.paths import community_path, segment


class ModerationCalls(ServiceClient):
    async def file_complaint(self, community_id: str, complaint_in: ComplaintCreate) -> ComplaintRead:
        path = f"{community_path(community_id)}/complaints"
        return ComplaintRead.model_validate(await self._call("POST", path, json=complaint_in.to_wire()))

    async def moderation_queue(self, community_id: str, *, status: str | None, limit: int) -> list[ComplaintRead]:
        params: dict[str, Any] = {"limit": limit}
        if status:
            params["status"] = status
        body = await self._call("GET", f"{community_path(community_id)}/complaints", params=params)
        return ComplaintList.model_validate(body).items

    async def decide_complaint(
        self, community_id: str, complaint_id: str, decision: ModerationDecision
    ) -> ComplaintRead:
        path = f"{community_path(community_id)}/complaints/{segment(complaint_id, field='complaintId')}/decision"
        return ComplaintRead.model_validate(await self._call("POST", path, json=decision.to_wire()))

    async def hide_record(self, community_id: str, content_id: str) -> HideRecordRead:
        path = f"{community_path(community_id)}/content/{segment(content_id, field='contentId')}/hide-record"
        return HideRecordRead.model_validate(await self._call("GET", path))
