"""ContentClient's webhook calls (mixed into `content_service.client.ContentClient`): endpoints, the delivery log,
replays, notices, and `publish_webhook_event` for other services' outbox relays."""

from __future__ import annotations

from typing import Any

from content_service.schemas.crisis import DeliveryList, DeliveryRead
from content_service.schemas.webhooks import (
    EndpointCreate,
    EndpointCreated,
    EndpointDeleted,
    EndpointList,
    EndpointRead,
    EndpointUpdate,
    EventPublished,
    NoticeList,
    NoticeRead,
    ReplayRequest,
    SubscribedTypes,
    WebhookEventIn,
)
from infra.http import ServiceClient
from infra.paths import community_path, segment


class WebhookCalls(ServiceClient):
    async def create_webhook_endpoint(self, community_id: str, endpoint_in: EndpointCreate) -> EndpointCreated:
        path = f"{community_path(community_id)}/webhook-endpoints"
        return EndpointCreated.model_validate(await self._call("POST", path, json=endpoint_in.to_wire()))

    async def webhook_endpoints(self, community_id: str) -> list[EndpointRead]:
        path = f"{community_path(community_id)}/webhook-endpoints"
        return EndpointList.model_validate(await self._call("GET", path)).items

    async def update_webhook_endpoint(
        self, community_id: str, endpoint_id: str, change: EndpointUpdate
    ) -> EndpointRead:
        path = f"{community_path(community_id)}/webhook-endpoints/{segment(endpoint_id, field='id')}"
        return EndpointRead.model_validate(await self._call("PATCH", path, json=change.to_wire()))

    async def delete_webhook_endpoint(self, community_id: str, endpoint_id: str, actor_id: str | None) -> str:
        path = f"{community_path(community_id)}/webhook-endpoints/{segment(endpoint_id, field='id')}"
        params = {"actorId": actor_id} if actor_id else None
        return EndpointDeleted.model_validate(await self._call("DELETE", path, params=params)).id

    async def publish_webhook_event(self, community_id: str, event: WebhookEventIn) -> EventPublished:
        """For other services' outbox relays: idempotent by the event's id."""
        path = f"{community_path(community_id)}/webhook-events"
        return EventPublished.model_validate(await self._call("POST", path, json=event.to_wire()))

    async def webhook_subscribed_types(self, community_id: str) -> set[str]:
        """Event types some enabled endpoint of the community takes: publishers skip the others."""
        path = f"{community_path(community_id)}/webhook-subscriptions"
        return set(SubscribedTypes.model_validate(await self._call("GET", path)).types)

    async def webhook_log(
        self, community_id: str, *, endpoint_id: str | None = None, limit: int = 50
    ) -> list[DeliveryRead]:
        params: dict[str, Any] = {"limit": limit}
        if endpoint_id:
            params["endpointId"] = endpoint_id
        path = f"{community_path(community_id)}/webhook-log"
        return DeliveryList.model_validate(await self._call("GET", path, params=params)).items

    async def replay_webhook_delivery(self, community_id: str, replay_in: ReplayRequest) -> DeliveryRead:
        path = f"{community_path(community_id)}/webhook-log/replay"
        return DeliveryRead.model_validate(await self._call("POST", path, json=replay_in.to_wire()))

    async def webhook_notices(self, community_id: str, *, limit: int = 50) -> list[NoticeRead]:
        path = f"{community_path(community_id)}/webhook-notices"
        return NoticeList.model_validate(await self._call("GET", path, params={"limit": limit})).items
