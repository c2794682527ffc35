"""ContentClient's crisis calls (mixed into `content_service.client.ContentClient`)."""

from __future__ import annotations

from typing import Any

from content_service.schemas.crisis import (
    DeliveryList,
    DeliveryRead,
    HealthBreachCreate,
    IncidentList,
    IncidentMetrics,
    IncidentRead,
    IncidentResolve,
    MentionCreate,
    MentionRead,
    StepUpdate,
    WebhookConfig,
    WebhookRead,
)
from infra.http import ServiceClient
from infra.paths import community_path, segment


class CrisisCalls(ServiceClient):
    async def push_mention(self, community_id: str, mention_in: MentionCreate) -> MentionRead:
        path = f"{community_path(community_id)}/mentions"
        return MentionRead.model_validate(await self._call("POST", path, json=mention_in.to_wire()))

    async def open_health_incident(self, community_id: str, breach: HealthBreachCreate) -> IncidentRead:
        """The HEALTH_BREACH incident for a critical indicator's alert: opened, joined, or the one it already has."""
        path = f"{community_path(community_id)}/health-breaches"
        return IncidentRead.model_validate(await self._call("POST", path, json=breach.to_wire()))

    async def incidents(self, community_id: str, *, status: str | None, limit: int) -> list[IncidentRead]:
        params: dict[str, Any] = {"limit": limit}
        if status:
            params["status"] = status
        body = await self._call("GET", f"{community_path(community_id)}/incidents", params=params)
        return IncidentList.model_validate(body).items

    async def incident(self, community_id: str, incident_id: str) -> IncidentRead:
        path = f"{community_path(community_id)}/incidents/{segment(incident_id, field='incidentId')}"
        return IncidentRead.model_validate(await self._call("GET", path))

    async def update_incident_step(self, community_id: str, incident_id: str, update: StepUpdate) -> IncidentRead:
        path = f"{community_path(community_id)}/incidents/{segment(incident_id, field='incidentId')}/steps"
        return IncidentRead.model_validate(await self._call("POST", path, json=update.to_wire()))

    async def resolve_incident(self, community_id: str, incident_id: str, body: IncidentResolve) -> IncidentRead:
        path = f"{community_path(community_id)}/incidents/{segment(incident_id, field='incidentId')}/resolution"
        return IncidentRead.model_validate(await self._call("POST", path, json=body.to_wire()))

    async def incident_metrics(self, community_id: str) -> IncidentMetrics:
        path = f"{community_path(community_id)}/incident-metrics"
        return IncidentMetrics.model_validate(await self._call("GET", path))

    async def configure_webhook(self, community_id: str, config: WebhookConfig) -> WebhookRead:
        path = f"{community_path(community_id)}/webhook"
        return WebhookRead.model_validate(await self._call("PUT", path, json=config.to_wire()))

    async def webhook_deliveries(self, community_id: str, *, limit: int) -> list[DeliveryRead]:
        path = f"{community_path(community_id)}/webhook-deliveries"
        return DeliveryList.model_validate(await self._call("GET", path, params={"limit": limit})).items

    async def replay_webhook(self, community_id: str, event_id: str, actor_id: str) -> DeliveryRead:
        path = f"{community_path(community_id)}/webhook-deliveries/{segment(event_id, field='eventId')}/replay"
        return DeliveryRead.model_validate(await self._call("POST", path, params={"actorId": actor_id}))
