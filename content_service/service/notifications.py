"""Notifications other services raise (an experiment rolled back, ...), queued for the community's webhook on
the same outbox as content's own events, so they are signed and delivered (and retried) the same way."""

from __future__ import annotations

from bson import ObjectId

from content_service.schemas.notifications import NotificationCreate, NotificationQueued
from content_service.service.events import webhook_event
from content_service.store import ContentStore


class NotificationsService:
    def __init__(self, store: ContentStore) -> None:
        self.store = store

    async def queue(self, community_id: ObjectId, notification: NotificationCreate) -> NotificationQueued:
        """Queue once per event id (a sender retrying after a timeout queues nothing twice)."""
        event = webhook_event(str(community_id), notification.topic, notification.data, event_id=notification.event_id)
        queued = await self.store.outbox.add_once(event)
        if queued:
            self.store.on_commit()
        return NotificationQueued(event_id=notification.event_id, queued=bool(queued))
