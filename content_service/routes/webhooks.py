"""Webhook endpoints, events published by other services, the delivery log, replays and notices over HTTP."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from content_service.routes.params import query_limit, service
from content_service.schemas.crisis import DeliveryList
from content_service.schemas.webhooks import (
    EndpointCreate,
    EndpointDeleted,
    EndpointList,
    EndpointUpdate,
    NoticeList,
    ReplayRequest,
    WebhookEventIn,
)
from infra.route_params import community_id, path_id
from infra.service_app import read_model, respond


async def create_endpoint(request: Request) -> Response:
    endpoint_in = await read_model(request, EndpointCreate)
    return respond(await service(request).webhooks.create(community_id(request), endpoint_in), 201)


async def list_endpoints(request: Request) -> Response:
    return respond(EndpointList(items=await service(request).webhooks.list_endpoints(community_id(request))))


async def update_endpoint(request: Request) -> Response:
    change = await read_model(request, EndpointUpdate)
    endpoint_id = path_id(request, "endpoint_id", field="id")
    return respond(await service(request).webhooks.update(community_id(request), endpoint_id, change))


async def delete_endpoint(request: Request) -> Response:
    endpoint_id = path_id(request, "endpoint_id", field="id")
    actor_id = request.query_params.get("actorId") or None
    deleted = await service(request).webhooks.delete(community_id(request), endpoint_id, actor_id)
    return respond(EndpointDeleted(id=deleted))


async def publish_event(request: Request) -> Response:
    event = await read_model(request, WebhookEventIn)
    return respond(await service(request).webhooks.publish(community_id(request), event))


async def subscribed_types(request: Request) -> Response:
    return respond(await service(request).webhooks.subscribed_types(community_id(request)))


async def deliveries(request: Request) -> Response:
    items = await service(request).webhooks.deliveries(
        community_id(request),
        endpoint_id=request.query_params.get("endpointId") or None,
        limit=query_limit(request, default=50),
    )
    return respond(DeliveryList(items=items))


async def replay(request: Request) -> Response:
    replay_in = await read_model(request, ReplayRequest)
    return respond(await service(request).webhooks.replay(community_id(request), replay_in))


async def notices(request: Request) -> Response:
    items = await service(request).webhooks.notices(community_id(request), limit=query_limit(request, default=50))
    return respond(NoticeList(items=items))


C = "/communities/{community_id}"
ROUTES = [
    Route(C + "/webhook-endpoints", create_endpoint, methods=["POST"]),
    Route(C + "/webhook-endpoints", list_endpoints, methods=["GET"]),
    Route(C + "/webhook-endpoints/{endpoint_id}", update_endpoint, methods=["PATCH"]),
    Route(C + "/webhook-endpoints/{endpoint_id}", delete_endpoint, methods=["DELETE"]),
    Route(C + "/webhook-events", publish_event, methods=["POST"]),
    Route(C + "/webhook-subscriptions", subscribed_types, methods=["GET"]),
    Route(C + "/webhook-log", deliveries, methods=["GET"]),
    Route(C + "/webhook-log/replay", replay, methods=["POST"]),
    Route(C + "/webhook-notices", notices, methods=["GET"]),
]
