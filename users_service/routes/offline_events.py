"""Offline events over HTTP: create, list, register, on-site check-in by QR token, the funnel."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from infra.route_params import community_id, path_id
from infra.service_app import read_model, respond
from users_service.routes.common import service
from users_service.schemas.offline_events import (
    OfflineCheckIn,
    OfflineEventCreate,
    OfflineEventList,
    OfflineRegistration,
)


async def create(request: Request) -> Response:
    event_in = await read_model(request, OfflineEventCreate)
    return respond(await service(request).offline_events.create(community_id(request), event_in), 201)


async def list_for_campaign(request: Request) -> Response:
    cid, campaign_id = community_id(request), path_id(request, "campaign_id")
    events = await service(request).offline_events.list_for_campaign(cid, campaign_id)
    return respond(OfflineEventList(events=events))


async def register(request: Request) -> Response:
    cid, event_id = community_id(request), path_id(request, "event_id")
    registration = await read_model(request, OfflineRegistration)
    return respond(await service(request).offline_events.register(cid, event_id, registration))


async def check_in(request: Request) -> Response:
    check_in_in = await read_model(request, OfflineCheckIn)
    return respond(await service(request).offline_events.check_in(community_id(request), check_in_in))


async def funnel(request: Request) -> Response:
    cid, event_id = community_id(request), path_id(request, "event_id")
    return respond(await service(request).offline_events.funnel(cid, event_id))


_base = "/communities/{community_id}/offline-events"
ROUTES = [
    Route(_base, create, methods=["POST"]),
    Route(f"{_base}/check-ins", check_in, methods=["POST"]),
    Route(f"{_base}/{{event_id}}/registrations", register, methods=["POST"]),
    Route(f"{_base}/{{event_id}}/funnel", funnel, methods=["GET"]),
    Route("/communities/{community_id}/campaigns/{campaign_id}/offline-events", list_for_campaign, methods=["GET"]),
]
