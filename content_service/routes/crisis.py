"""Mentions from the monitoring partner, incidents and their steps, webhooks and their deliveries over HTTP."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from content_service.routes.params import query_limit, service
from content_service.schemas.crisis import (
    DeliveryList,
    HealthBreachCreate,
    IncidentList,
    IncidentResolve,
    MentionCreate,
    StepUpdate,
    WebhookConfig,
)
from infra.errors import BadInputError
from infra.route_params import community_id, path_id, path_text
from infra.service_app import read_model, respond


async def push_mention(request: Request) -> Response:
    mention_in = await read_model(request, MentionCreate)
    return respond(await service(request).crisis.push_mention(community_id(request), mention_in), 201)


async def health_breach(request: Request) -> Response:
    breach = await read_model(request, HealthBreachCreate)
    return respond(await service(request).crisis.on_health_breach(community_id(request), breach), 201)


async def list_incidents(request: Request) -> Response:
    status = request.query_params.get("status")
    if status and status not in ("OPEN", "RESOLVED"):
        raise BadInputError(f"unknown status {status}", field="status")
    items = await service(request).crisis.list_incidents(
        community_id(request), status=status, limit=query_limit(request)
    )
    return respond(IncidentList(items=items))


async def get_incident(request: Request) -> Response:
    return respond(await service(request).crisis.get_incident(community_id(request), path_id(request, "incident_id")))


async def update_step(request: Request) -> Response:
    update = await read_model(request, StepUpdate)
    incident_id = path_id(request, "incident_id")
    return respond(await service(request).crisis.update_step(community_id(request), incident_id, update))


async def resolve(request: Request) -> Response:
    body = await read_model(request, IncidentResolve)
    incident_id = path_id(request, "incident_id")
    return respond(await service(request).crisis.resolve(community_id(request), incident_id, body))


async def metrics(request: Request) -> Response:
    return respond(await service(request).crisis.metrics(community_id(request)))


async def configure_webhook(request: Request) -> Response:
    config = await read_model(request, WebhookConfig)
    return respond(await service(request).crisis.configure_webhook(community_id(request), config))


async def deliveries(request: Request) -> Response:
    items = await service(request).crisis.deliveries(community_id(request), limit=query_limit(request, default=50))
    return respond(DeliveryList(items=items))


async def replay(request: Request) -> Response:
    actor_id = request.query_params.get("actorId", "")
    if not actor_id:
        raise BadInputError("actorId is required", field="actorId")
    event_id = path_text(request, "event_id")
    return respond(await service(request).crisis.replay(community_id(request), event_id, actor_id))


C = "/communities/{community_id}"
ROUTES = [
    Route(C + "/mentions", push_mention, methods=["POST"]),
    Route(C + "/incidents", list_incidents, methods=["GET"]),
    Route(C + "/health-breaches", health_breach, methods=["POST"]),
    Route(C + "/incident-metrics", metrics, methods=["GET"]),
    Route(C + "/incidents/{incident_id}", get_incident, methods=["GET"]),
    Route(C + "/incidents/{incident_id}/steps", update_step, methods=["POST"]),
    Route(C + "/incidents/{incident_id}/resolution", resolve, methods=["POST"]),
    Route(C + "/webhook", configure_webhook, methods=["PUT"]),
    Route(C + "/webhook-deliveries", deliveries, methods=["GET"]),
    Route(C + "/webhook-deliveries/{event_id}/replay", replay, methods=["POST"]),
]
