"""`DistributionClient`: the only way other services and the gateway reach distribution_service."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from distribution_service.schemas import (
    ActivityByMember,
    EventCreate,
    EventImportBatch,
    EventRecorded,
    FeedPage,
    FeedRequest,
    MemberActivity,
)
from infra.bulk import ImportResult
from infra.http import ServiceClient


class DistributionClient(ServiceClient):
    service_name = "distribution"

    async def record_event(self, community_id: str, event_in: EventCreate) -> EventRecorded:
        path = f"/communities/{quote(community_id, safe='')}/events"
        return EventRecorded.model_validate(await self._call("POST", path, json=event_in.to_wire()))

    async def feed(self, community_id: str, request: FeedRequest) -> FeedPage:
        path = f"/communities/{quote(community_id, safe='')}/feed"
        return FeedPage.model_validate(await self._call("POST", path, json=request.to_wire()))

    async def activity_by_member(self, community_id: str, since: datetime | None = None) -> dict[str, MemberActivity]:
        """Per member: engagement events, weighted engagement and last event time (since `since`)."""
        path = f"/communities/{quote(community_id, safe='')}/activity/by-member"
        params = {"since": since.isoformat()} if since else None
        return ActivityByMember.model_validate(await self._call("GET", path, params=params)).members

    # Issue 4

    async def import_events(self, community_id: str, batch: EventImportBatch) -> ImportResult:
        """Store events from another platform; the result lists only the rejected ones."""
        path = f"/communities/{quote(community_id, safe='')}/events/import"
        return ImportResult.model_validate(await self._call("POST", path, json=batch.to_wire()))
