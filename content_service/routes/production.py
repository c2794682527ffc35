"""Production's HTTP API: settings, transitions, edits, revisions, audit and the mix monitor."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from content_service.production.schemas import (
    AuditList,
    ContentEdit,
    ContentSettingsUpdate,
    RevisionList,
    Transition,
)
from content_service.production.service import ProductionService
from infra.errors import BadInputError
from infra.service_app import read_model, respond


def _service(request: Request) -> ProductionService:
    service: ProductionService = request.app.state.production
    return service


def int_param(request: Request, name: str, default: int | None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise BadInputError(f"{name} must be an integer", field=name) from exc


async def get_settings(request: Request) -> Response:
    return respond(await _service(request).get_settings(request.path_params["community_id"]))


async def update_settings(request: Request) -> Response:
    update = await read_model(request, ContentSettingsUpdate)
    return respond(await _service(request).update_settings(request.path_params["community_id"], update))


async def transition(request: Request) -> Response:
    change = await read_model(request, Transition)
    p = request.path_params
    return respond(await _service(request).transition(p["community_id"], p["content_id"], change))


async def edit(request: Request) -> Response:
    content_edit = await read_model(request, ContentEdit)
    p = request.path_params
    number = await _service(request).edit(p["community_id"], p["content_id"], content_edit)
    return respond({"revision": number})


async def revisions(request: Request) -> Response:
    p = request.path_params
    items = await _service(request).revisions(
        p["community_id"],
        p["content_id"],
        viewer_id=request.query_params.get("viewerId"),
        limit=min(int_param(request, "limit", 100) or 100, 500),
    )
    return respond(RevisionList(items=items))


async def audit(request: Request) -> Response:
    limit = int_param(request, "limit", 100) or 100
    items = await _service(request).audit(
        request.path_params["community_id"], target_id=request.query_params.get("targetId"), limit=min(limit, 500)
    )
    return respond(AuditList(items=items))


async def content_mix(request: Request) -> Response:
    window = int_param(request, "window", None)
    return respond(await _service(request).mix(request.path_params["community_id"], window_days=window))


routes = [
    Route("/communities/{community_id}/content-settings", get_settings, methods=["GET"]),
    Route("/communities/{community_id}/content-settings", update_settings, methods=["PATCH"]),
    Route("/communities/{community_id}/content-mix", content_mix, methods=["GET"]),
    Route("/communities/{community_id}/audit", audit, methods=["GET"]),
    Route("/communities/{community_id}/content/{content_id}/transitions", transition, methods=["POST"]),
    Route("/communities/{community_id}/content/{content_id}/edits", edit, methods=["POST"]),
    Route("/communities/{community_id}/content/{content_id}/revisions", revisions, methods=["GET"]),
]
