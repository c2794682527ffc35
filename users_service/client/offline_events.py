"""Offline-event calls of `UsersClient` (mixed into it)."""

from __future__ import annotations

from infra.http import ServiceClient
from infra.paths import community_path, segment
from users_service.schemas.offline_events import (
    AttendanceRead,
    OfflineCheckIn,
    OfflineEventCreate,
    OfflineEventFunnel,
    OfflineEventList,
    OfflineEventRead,
    OfflineRegistration,
)


def _events(community_id: str) -> str:
    return f"{community_path(community_id)}/offline-events"


class OfflineEventsClientMixin(ServiceClient):
    async def create_offline_event(self, community_id: str, event_in: OfflineEventCreate) -> OfflineEventRead:
        body = await self._call("POST", _events(community_id), json=event_in.to_wire())
        return OfflineEventRead.model_validate(body)

    async def list_offline_events(self, community_id: str, campaign_id: str) -> list[OfflineEventRead]:
        path = f"{community_path(community_id)}/campaigns/{segment(campaign_id, field='campaignId')}/offline-events"
        return OfflineEventList.model_validate(await self._call("GET", path)).events

    async def register_offline_event(
        self, community_id: str, event_id: str, registration: OfflineRegistration
    ) -> AttendanceRead:
        path = f"{_events(community_id)}/{segment(event_id, field='eventId')}/registrations"
        return AttendanceRead.model_validate(await self._call("POST", path, json=registration.to_wire()))

    async def check_in_offline_event(self, community_id: str, check_in: OfflineCheckIn) -> AttendanceRead:
        path = f"{_events(community_id)}/check-ins"
        return AttendanceRead.model_validate(await self._call("POST", path, json=check_in.to_wire()))

    async def offline_event_funnel(self, community_id: str, event_id: str) -> OfflineEventFunnel:
        path = f"{_events(community_id)}/{segment(event_id, field='eventId')}/funnel"
        return OfflineEventFunnel.model_validate(await self._call("GET", path))
