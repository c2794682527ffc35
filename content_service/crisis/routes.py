"""Crisis's HTTP API: mentions from the monitoring partner, incidents and steps, webhooks and deliveries."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from content_service.crisis.schemas import (
    DeliveryList,
    IncidentList,
    IncidentResolve,
    MentionCreate,
    StepUpdate,
    WebhookConfig,
)
from content_service.crisis.service import CrisisService
from content_service.production.routes import int_param
from infra.errors import BadInputError
from infra.service_app import read_model, respond


def _service(request: Request) -> CrisisService:
    service: CrisisService = request.app.state.crisis
    return service


async def push_mention(request: Request) -> Response:
    mention_in = await read_model(request, MentionCreate)
    return respond(await _service(request).push_mention(request.path_params["community_id"], mention_in), 201)


async def list_incidents(request: Request) -> Response:
    status = request.query_params.get("status")
    if status and status not in ("OPEN", "RESOLVED"):
        raise BadInputError(f"unknown status {status}", field="status")
    limit = min(int_param(request, "limit", 100) or 100, 500)
    items = await _service(request).list_incidents(request.path_params["community_id"], status=status, limit=limit)
    return respond(IncidentList(items=items))


async def get_incident(request: Request) -> Response:
    p = request.path_params
    return respond(await _service(request).get_incident(p["community_id"], p["incident_id"]))


async def update_step(request: Request) -> Response:
    update = await read_model(request, StepUpdate)
    p = request.path_params
    return respond(await _service(request).update_step(p["community_id"], p["incident_id"], update))


async def resolve(request: Request) -> Response:
    body = await read_model(request, IncidentResolve)
    p = request.path_params
    return respond(await _service(request).resolve(p["community_id"], p["incident_id"], body))


async def metrics(request: Request) -> Response:
    return respond(await _service(request).metrics(request.path_params["community_id"]))


async def configure_webhook(request: Request) -> Response:
    config = await read_model(request, WebhookConfig)
    return respond(await _service(request).configure_webhook(request.path_params["community_id"], config))


async def deliveries(request: Request) -> Response:
    limit = min(int_param(request, "limit", 50) or 50, 500)
    items = await _service(request).deliveries(request.path_params["community_id"], limit=limit)
    return respond(DeliveryList(items=items))


async def replay(request: Request) -> Response:
    p = request.path_params
    actor_id = request.query_params.get("actorId", "")
    if not actor_id:
        raise BadInputError("actorId is required", field="actorId")
    return respond(await _service(request).replay(p["community_id"], p["event_id"], actor_id))


async def tick(request: Request) -> Response:
    return respond(await _service(request).tick())


routes = [
    Route("/communities/{community_id}/mentions", push_mention, methods=["POST"]),
    Route("/communities/{community_id}/incidents", list_incidents, methods=["GET"]),
    Route("/communities/{community_id}/incident-metrics", metrics, methods=["GET"]),
    Route("/communities/{community_id}/incidents/{incident_id}", get_incident, methods=["GET"]),
    Route("/communities/{community_id}/incidents/{incident_id}/steps", update_step, methods=["POST"]),
    Route("/communities/{community_id}/incidents/{incident_id}/resolution", resolve, methods=["POST"]),
    Route("/communities/{community_id}/webhook", configure_webhook, methods=["PUT"]),
    Route("/communities/{community_id}/webhook-deliveries", deliveries, methods=["GET"]),
    Route("/communities/{community_id}/webhook-deliveries/{event_id}/replay", replay, methods=["POST"]),
    Route("/crisis/tick", tick, methods=["POST"]),
]
