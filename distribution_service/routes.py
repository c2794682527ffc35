"""distribution_service's HTTP API (internal: reached through `DistributionClient`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from distribution_service import importing
from distribution_service.schemas import EventCreate, EventImportBatch, FeedRequest
from distribution_service.service import DistributionService
from infra.schemas import object_id
from infra.service_app import parse_since, read_model, respond


def _service(request: Request) -> DistributionService:
    service: DistributionService = request.app.state.service
    return service


async def record_event(request: Request) -> Response:
    event_in = await read_model(request, EventCreate)
    recorded = await _service(request).record_event(request.path_params["community_id"], event_in)
    return respond(recorded, 200 if recorded.duplicate else 201)


async def feed(request: Request) -> Response:
    feed_request = await read_model(request, FeedRequest)
    return respond(await _service(request).feed(request.path_params["community_id"], feed_request))


async def activity_by_member(request: Request) -> Response:
    since = parse_since(request.query_params.get("since"))
    return respond(await _service(request).activity_by_member(request.path_params["community_id"], since))


routes = [
    Route("/communities/{community_id}/events", record_event, methods=["POST"]),
    Route("/communities/{community_id}/feed", feed, methods=["POST"]),
    Route("/communities/{community_id}/activity/by-member", activity_by_member, methods=["GET"]),
]


# Issue 4: bulk import of events.


async def import_events(request: Request) -> Response:
    batch = await read_model(request, EventImportBatch)
    service = _service(request)
    community_id = str(object_id(request.path_params["community_id"], field="communityId"))
    return respond(await importing.import_events(service.store, service.content, community_id, batch))


routes += [Route("/communities/{community_id}/events/import", import_events, methods=["POST"])]
