"""Moderation's HTTP API: complaints, the queue, decisions and hide records."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from content_service.moderation.schemas import ComplaintCreate, ComplaintList, ModerationDecision
from content_service.moderation.service import ModerationService
from content_service.production.routes import int_param
from infra.service_app import read_model, respond


def _service(request: Request) -> ModerationService:
    service: ModerationService = request.app.state.moderation
    return service


async def file_complaint(request: Request) -> Response:
    complaint_in = await read_model(request, ComplaintCreate)
    return respond(await _service(request).file(request.path_params["community_id"], complaint_in), 201)


async def list_queue(request: Request) -> Response:
    limit = min(int_param(request, "limit", 100) or 100, 500)
    items = await _service(request).queue(
        request.path_params["community_id"], status=request.query_params.get("status"), limit=limit
    )
    return respond(ComplaintList(items=items))


async def decide(request: Request) -> Response:
    decision = await read_model(request, ModerationDecision)
    p = request.path_params
    return respond(await _service(request).decide(p["community_id"], p["complaint_id"], decision))


async def hide_record(request: Request) -> Response:
    p = request.path_params
    return respond(await _service(request).hide_record(p["community_id"], p["content_id"]))


routes = [
    Route("/communities/{community_id}/complaints", file_complaint, methods=["POST"]),
    Route("/communities/{community_id}/complaints", list_queue, methods=["GET"]),
    Route("/communities/{community_id}/complaints/{complaint_id}/decision", decide, methods=["POST"]),
    Route("/communities/{community_id}/content/{content_id}/hide-record", hide_record, methods=["GET"]),
]
