"""`DistributionClient`: the only way other services and the gateway reach distribution_service."""

from __future__ import annotations

from urllib.parse import quote

from distribution_service.schemas import EventCreate, EventRecorded, FeedPage, FeedRequest
from infra.http import ServiceClient


class DistributionClient(ServiceClient):
    service_name = "distribution"

    async def record_event(self, community_id: str, event_in: EventCreate) -> EventRecorded:
        path = f"/communities/{quote(community_id, safe='')}/events"
        return EventRecorded.model_validate(await self._call("POST", path, json=event_in.to_wire()))

    async def feed(self, community_id: str, request: FeedRequest) -> FeedPage:
        path = f"/communities/{quote(community_id, safe='')}/feed"
        return FeedPage.model_validate(await self._call("POST", path, json=request.to_wire()))
