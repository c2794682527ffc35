"""Complaints, the moderation queue, decisions and hide records over HTTP."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from content_service.routes.params import query_limit, service
from content_service.schemas.moderation import ComplaintCreate, ComplaintList, ModerationDecision
from infra.route_params import community_id, path_id
from infra.service_app import read_model, respond


async def file_complaint(request: Request) -> Response:
    complaint_in = await read_model(request, ComplaintCreate)
    return respond(await service(request).moderation.file(community_id(request), complaint_in), 201)


async def list_queue(request: Request) -> Response:
    items = await service(request).moderation.queue(
        community_id(request), status=request.query_params.get("status"), limit=query_limit(request)
    )
    return respond(ComplaintList(items=items))


async def decide(request: Request) -> Response:
    decision = await read_model(request, ModerationDecision)
    complaint_id = path_id(request, "complaint_id")
    return respond(await service(request).moderation.decide(community_id(request), complaint_id, decision))


async def hide_record(request: Request) -> Response:
    content_id = path_id(request, "content_id")
    return respond(await service(request).moderation.hide_record(community_id(request), content_id))


C = "/communities/{community_id}"
ROUTES = [
    Route(C + "/complaints", file_complaint, methods=["POST"]),
    Route(C + "/complaints", list_queue, methods=["GET"]),
    Route(C + "/complaints/{complaint_id}/decision", decide, methods=["POST"]),
    Route(C + "/content/{content_id}/hide-record", hide_record, methods=["GET"]),
]
