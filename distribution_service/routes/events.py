"""Members' events (one or a batch), events imported from another platform, activity by member, and the
engagement figures of the health indicators."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from distribution_service.routes.base import C, service
from distribution_service.schemas import EventBatch, EventCreate, EventImportBatch
from infra.errors import BadInputError
from infra.route_params import community_id, path_id
from infra.service_app import parse_since, read_model, respond


async def record_event(request: Request) -> Response:
    cid = community_id(request)
    event_in = await read_model(request, EventCreate)
    recorded = await service(request).events.record_event(cid, event_in)
    return respond(recorded, 200 if recorded.duplicate else 201)


async def record_events(request: Request) -> Response:
    cid = community_id(request)
    batch = await read_model(request, EventBatch)
    return respond(await service(request).events.record_events(cid, batch), 200)


async def import_events(request: Request) -> Response:
    cid = community_id(request)
    batch = await read_model(request, EventImportBatch)
    return respond(await service(request).events.import_events(cid, batch))


async def activity_by_member(request: Request) -> Response:
    cid = community_id(request)
    since = parse_since(request.query_params.get("since"))
    return respond(await service(request).events.activity_by_member(cid, since))


async def member_event_counts(request: Request) -> Response:
    cid, member = community_id(request), path_id(request, "member_id")
    since = parse_since(request.query_params.get("since"))
    until = parse_since(request.query_params.get("until"), field="until")
    if since is None or until is None:
        raise BadInputError("since and until are required", field="since" if since is None else "until")
    return respond(await service(request).events.member_event_counts(cid, member, since, until))


async def content_engagers(request: Request) -> Response:
    cid, content = community_id(request), path_id(request, "content_id")
    since = parse_since(request.query_params.get("since"))
    until = parse_since(request.query_params.get("until"), field="until")
    if since is None or until is None:
        raise BadInputError("since and until are required", field="since" if since is None else "until")
    return respond(await service(request).events.content_engagers(cid, content, since, until))


async def engagement_figures(request: Request) -> Response:
    cid = community_id(request)
    as_of = parse_since(request.query_params.get("asOf"), field="asOf") or datetime.now(UTC)
    return respond(await service(request).figures.engagement(cid, as_of))


async def engagement_by_member(request: Request) -> Response:
    cid = community_id(request)
    as_of = parse_since(request.query_params.get("asOf"), field="asOf") or datetime.now(UTC)
    return respond(await service(request).figures.engagement_by_member(cid, as_of))


ROUTES = [
    Route(f"{C}/events", record_event, methods=["POST"]),
    Route(f"{C}/events/batch", record_events, methods=["POST"]),
    Route(f"{C}/events/import", import_events, methods=["POST"]),
    Route(f"{C}/activity/by-member", activity_by_member, methods=["GET"]),
    Route(f"{C}/health/figures", engagement_figures, methods=["GET"]),
    Route(f"{C}/health/members", engagement_by_member, methods=["GET"]),
    Route(f"{C}/members/{{member_id}}/event-counts", member_event_counts, methods=["GET"]),
    Route(f"{C}/content/{{content_id}}/engagers", content_engagers, methods=["GET"]),
]
