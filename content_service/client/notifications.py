"""ContentClient's notification call (mixed into `content_service.client.ContentClient`)."""

from __future__ import annotations

from typing import Any

from content_service.schemas.notifications import NotificationCreate, NotificationQueued
from infra.http import ServiceClient
from infra.paths import community_path


class NotificationCalls(ServiceClient):
    async def notify(self, community_id: str, topic: str, event_id: str, data: dict[str, Any]) -> NotificationQueued:
        """Queue a webhook notification for the community (once per `event_id`)."""
        body = NotificationCreate(topic=topic, event_id=event_id, data=data).to_wire()
        path = f"{community_path(community_id)}/notifications"
        return NotificationQueued.model_validate(await self._call("POST", path, json=body))
