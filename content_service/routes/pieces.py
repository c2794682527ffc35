"""Pieces over HTTP: publish, read, transitions, edits, revisions, the ranker's reads and bulk import."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from content_service.routes.params import query_int, query_limit, service, viewer
from content_service.schemas.access import ViewerRef
from content_service.schemas.content import (
    CandidateList,
    CandidateSourcesRequest,
    ContentCountsByAuthor,
    ContentCreate,
    ContentIdCheck,
    ContentImportBatch,
    ContentLookup,
    ContentLookupResult,
)
from content_service.schemas.production import ContentEdit, RevisionList, Transition
from infra.bulk import SourceIdLookup
from infra.route_params import community_id, path_id
from infra.service_app import parse_since, read_model, respond


async def publish_content(request: Request) -> Response:
    content_in = await read_model(request, ContentCreate)
    return respond(await service(request).pieces.publish(community_id(request), content_in), 201)


async def get_content(request: Request) -> Response:
    read = await service(request).pieces.get(
        community_id(request), path_id(request, "content_id"), viewer=viewer(request)
    )
    return respond(read)


async def published_page(request: Request) -> Response:
    first = query_int(request, "first") or 20
    after, tag = request.query_params.get("after"), request.query_params.get("tag")
    page = await service(request).published.page(
        community_id(request), first=first, after=after, tag=tag, viewer=viewer(request)
    )
    return respond(page)


async def lookup_content(request: Request) -> Response:
    lookup = await read_model(request, ContentLookup)
    items = await service(request).pieces.lookup(
        community_id(request), lookup.ids, viewer=ViewerRef.parse(lookup.viewer), cached=lookup.cached
    )
    # A feed's cards: serialised by pydantic's own writer, not `model_dump` into dicts for `json.dumps` after (the
    # same JSON text; ~30 µs less a 10-card lookup). benchmarks/feed_cpu.py measures the feed it serves.
    result = ContentLookupResult(items=items)
    return Response(result.model_dump_json(by_alias=True), media_type="application/json")


async def transition(request: Request) -> Response:
    change = await read_model(request, Transition)
    result = await service(request).pieces.transition(community_id(request), path_id(request, "content_id"), change)
    return respond(result)


async def edit(request: Request) -> Response:
    content_edit = await read_model(request, ContentEdit)
    number = await service(request).pieces.edit(community_id(request), path_id(request, "content_id"), content_edit)
    return respond({"revision": number})


async def revisions(request: Request) -> Response:
    items = await service(request).pieces.revisions(
        community_id(request),
        path_id(request, "content_id"),
        viewer=viewer(request),
        limit=query_limit(request),
    )
    return respond(RevisionList(items=items))


async def list_candidates(request: Request) -> Response:
    limit = query_int(request, "limit")
    items = await service(request).published.candidates(community_id(request), limit=500 if limit is None else limit)
    return respond(CandidateList(items=items))


async def candidate_sources(request: Request) -> Response:
    sources_in = await read_model(request, CandidateSourcesRequest)
    return respond(await service(request).published.candidate_sources(community_id(request), sources_in))


async def counts_by_author(request: Request) -> Response:
    since = parse_since(request.query_params.get("since"))
    authors = await service(request).published.counts_by_author(community_id(request), since)
    return respond(ContentCountsByAuthor(authors=authors))


async def import_content(request: Request) -> Response:
    batch = await read_model(request, ContentImportBatch)
    return respond(await service(request).imports.import_content(community_id(request), batch))


async def check_content_ids(request: Request) -> Response:
    check = await read_model(request, ContentIdCheck)
    return respond(await service(request).imports.known_ids(community_id(request), check.ids))


async def content_ids_by_source(request: Request) -> Response:
    lookup = await read_model(request, SourceIdLookup)
    return respond(await service(request).imports.ids_by_source(community_id(request), lookup))


C = "/communities/{community_id}"
ROUTES = [
    Route(C + "/content", publish_content, methods=["POST"]),
    Route(C + "/content/lookup", lookup_content, methods=["POST"]),
    Route(C + "/content/candidates", list_candidates, methods=["GET"]),
    Route(C + "/content/published", published_page, methods=["GET"]),
    Route(C + "/content/candidates/sources", candidate_sources, methods=["POST"]),
    Route(C + "/content/by-author", counts_by_author, methods=["GET"]),
    Route(C + "/content/import", import_content, methods=["POST"]),
    Route(C + "/content/known", check_content_ids, methods=["POST"]),
    Route(C + "/content/by-source", content_ids_by_source, methods=["POST"]),
    Route(C + "/content/{content_id}", get_content, methods=["GET"]),
    Route(C + "/content/{content_id}/transitions", transition, methods=["POST"]),
    Route(C + "/content/{content_id}/edits", edit, methods=["POST"]),
    Route(C + "/content/{content_id}/revisions", revisions, methods=["GET"]),
]
