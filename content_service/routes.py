"""content_service's HTTP API (internal: reached through `ContentClient`)."""

from __future__ import annotations

from bson import ObjectId
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from content_service import importing
from content_service.schemas import (
    CandidateList,
    CandidateSourcesRequest,
    ContentCountsByAuthor,
    ContentCreate,
    ContentIdCheck,
    ContentIdCheckResult,
    ContentImportBatch,
    ContentLookup,
    ContentLookupResult,
)
from content_service.service import ContentService
from infra.errors import BadInputError
from infra.schemas import object_id
from infra.service_app import parse_since, read_model, respond


def _service(request: Request) -> ContentService:
    service: ContentService = request.app.state.service
    return service


async def publish_content(request: Request) -> Response:
    content_in = await read_model(request, ContentCreate)
    return respond(await _service(request).publish(request.path_params["community_id"], content_in), 201)


async def get_content(request: Request) -> Response:
    p = request.path_params
    viewer_id = request.query_params.get("viewerId")
    return respond(await _service(request).get_or_raise(p["community_id"], p["content_id"], viewer_id=viewer_id))


async def lookup_content(request: Request) -> Response:
    lookup = await read_model(request, ContentLookup)
    items = await _service(request).lookup(request.path_params["community_id"], lookup.ids)
    return respond(ContentLookupResult(items=items))


async def list_candidates(request: Request) -> Response:
    try:
        limit = int(request.query_params.get("limit", "500"))
    except ValueError as exc:
        raise BadInputError("limit must be an integer", field="limit") from exc
    items = await _service(request).candidates(request.path_params["community_id"], limit=limit)
    return respond(CandidateList(items=items))


async def candidate_sources(request: Request) -> Response:
    sources_in = await read_model(request, CandidateSourcesRequest)
    return respond(await _service(request).candidate_sources(request.path_params["community_id"], sources_in))


async def counts_by_author(request: Request) -> Response:
    since = parse_since(request.query_params.get("since"))
    authors = await _service(request).counts_by_author(request.path_params["community_id"], since)
    return respond(ContentCountsByAuthor(authors=authors))


routes = [
    Route("/communities/{community_id}/content", publish_content, methods=["POST"]),
    Route("/communities/{community_id}/content/lookup", lookup_content, methods=["POST"]),
    Route("/communities/{community_id}/content/candidates", list_candidates, methods=["GET"]),
    Route("/communities/{community_id}/content/candidates/sources", candidate_sources, methods=["POST"]),
    Route("/communities/{community_id}/content/by-author", counts_by_author, methods=["GET"]),
    Route("/communities/{community_id}/content/{content_id}", get_content, methods=["GET"]),
]


# Issue 4: bulk import of content, and the id check that event imports use.


async def import_content(request: Request) -> Response:
    batch = await read_model(request, ContentImportBatch)
    service = _service(request)
    community_id = str(object_id(request.path_params["community_id"], field="communityId"))
    return respond(await importing.import_content(service.store, service.users, community_id, batch))


async def check_content_ids(request: Request) -> Response:
    check = await read_model(request, ContentIdCheck)
    cid = object_id(request.path_params["community_id"], field="communityId")
    known = await _service(request).store.list_known_ids(cid, [ObjectId(i) for i in dict.fromkeys(check.ids)])
    return respond(ContentIdCheckResult(known=sorted(str(i) for i in known)))


routes += [
    Route("/communities/{community_id}/content/import", import_content, methods=["POST"]),
    Route("/communities/{community_id}/content/known", check_content_ids, methods=["POST"]),
]
