"""distribution_service's HTTP API (internal: reached through `DistributionClient`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from distribution_service import importing
from distribution_service.schemas import (
    AuthorRelationChange,
    AuthorRelationsByMember,
    AuthorRelationsLookup,
    EventBatch,
    EventCreate,
    EventImportBatch,
    ExplainRequest,
    FeedRequest,
    PushPreferencesUpdate,
    SlotRunRequest,
)
from distribution_service.service import DistributionService
from infra.errors import BadInputError
from infra.schemas import object_id
from infra.service_app import parse_since, read_model, respond


def _service(request: Request) -> DistributionService:
    service: DistributionService = request.app.state.service
    return service


def _cid(request: Request) -> str:
    community_id: str = request.path_params["community_id"]
    return community_id


async def record_event(request: Request) -> Response:
    event_in = await read_model(request, EventCreate)
    recorded = await _service(request).record_event(_cid(request), event_in)
    return respond(recorded, 200 if recorded.duplicate else 201)


async def record_events(request: Request) -> Response:
    batch = await read_model(request, EventBatch)
    return respond(await _service(request).record_events(_cid(request), batch), 200)


async def feed(request: Request) -> Response:
    feed_request = await read_model(request, FeedRequest)
    return respond(await _service(request).feed(_cid(request), feed_request))


async def explain(request: Request) -> Response:
    explain_request = await read_model(request, ExplainRequest)
    return respond(await _service(request).explain(_cid(request), explain_request))


async def run_slot(request: Request) -> Response:
    run = await read_model(request, SlotRunRequest)
    return respond(await _service(request).run_slot(_cid(request), run))


async def inbox(request: Request) -> Response:
    member_id = str(object_id(request.path_params["member_id"], field="memberId"))
    try:
        first = int(request.query_params.get("first", "20"))
    except ValueError as exc:
        raise BadInputError("first must be an integer", field="first") from exc
    return respond(await _service(request).inbox(_cid(request), member_id, max(1, min(first, 100))))


def _int_param(request: Request, name: str, default: int) -> int:
    try:
        return int(request.query_params.get(name, str(default)))
    except ValueError as exc:
        raise BadInputError(f"{name} must be an integer", field=name) from exc


async def slot_members(request: Request) -> Response:
    index, count = _int_param(request, "partition", 0), _int_param(request, "partitions", 1)
    if not 0 <= index < count:
        raise BadInputError("partition must be in 0..partitions-1", field="partition")
    return respond(await _service(request).slot_members(_cid(request), partition_index=index, partitions=count))


async def set_push_preferences(request: Request) -> Response:
    update = await read_model(request, PushPreferencesUpdate)
    return respond(await _service(request).set_push_preferences(_cid(request), update))


async def slot_rates(request: Request) -> Response:
    return respond(await _service(request).slot_rates(_cid(request)))


async def activity_by_member(request: Request) -> Response:
    since = parse_since(request.query_params.get("since"))
    return respond(await _service(request).activity_by_member(_cid(request), since))


routes = [
    Route("/communities/{community_id}/events", record_event, methods=["POST"]),
    Route("/communities/{community_id}/events/batch", record_events, methods=["POST"]),
    Route("/communities/{community_id}/feed", feed, methods=["POST"]),
    Route("/communities/{community_id}/feed/explain", explain, methods=["POST"]),
    Route("/communities/{community_id}/slots/run", run_slot, methods=["POST"]),
    Route("/communities/{community_id}/slots/rates", slot_rates, methods=["GET"]),
    Route("/communities/{community_id}/slots/members", slot_members, methods=["GET"]),
    Route("/communities/{community_id}/push-preferences", set_push_preferences, methods=["PUT"]),
    Route("/communities/{community_id}/members/{member_id}/inbox", inbox, methods=["GET"]),
    Route("/communities/{community_id}/activity/by-member", activity_by_member, methods=["GET"]),
]


# Issue 4: bulk import of events.


async def import_events(request: Request) -> Response:
    batch = await read_model(request, EventImportBatch)
    service = _service(request)
    community_id = str(object_id(request.path_params["community_id"], field="communityId"))
    return respond(await importing.import_events(service.store, service.content, community_id, batch))


routes += [Route("/communities/{community_id}/events/import", import_events, methods=["POST"])]


# Issue 5: a member's follows and blocks (distribution_service/relations.py).


def _relation_route(action: str) -> Route:
    async def change(request: Request) -> Response:
        change_in = await read_model(request, AuthorRelationChange)
        service = _service(request).relations
        return respond(await getattr(service, action)(_cid(request), change_in))

    return Route(f"/communities/{{community_id}}/relations/{action}", change, methods=["POST"])


async def member_relations(request: Request) -> Response:
    member_id = str(object_id(request.path_params["member_id"], field="memberId"))
    first = _int_param(request, "first", 100)
    return respond(await _service(request).relations.relations(_cid(request), member_id, first=first))


async def lookup_relations(request: Request) -> Response:
    lookup = await read_model(request, AuthorRelationsLookup)
    members = await _service(request).relations.author_relations(_cid(request), lookup.member_ids)
    return respond(AuthorRelationsByMember(members=members))


routes += [
    *(_relation_route(action) for action in ("follow", "unfollow", "block", "unblock")),
    Route("/communities/{community_id}/relations/lookup", lookup_relations, methods=["POST"]),
    Route("/communities/{community_id}/members/{member_id}/relations", member_relations, methods=["GET"]),
]
