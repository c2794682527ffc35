"""Community content settings, the content mix monitor and the audit log over HTTP."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from content_service.routes.params import query_int, query_limit, service
from content_service.schemas.production import AuditList, ContentSettingsUpdate
from infra.route_params import community_id
from infra.service_app import read_model, respond


async def get_settings(request: Request) -> Response:
    return respond(await service(request).settings.get(community_id(request)))


async def update_settings(request: Request) -> Response:
    update = await read_model(request, ContentSettingsUpdate)
    return respond(await service(request).settings.update(community_id(request), update))


async def content_mix(request: Request) -> Response:
    window = query_int(request, "window")
    return respond(await service(request).published.mix(community_id(request), window_days=window))


async def audit(request: Request) -> Response:
    items = await service(request).audit.entries(
        community_id(request), target_id=request.query_params.get("targetId"), limit=query_limit(request)
    )
    return respond(AuditList(items=items))


C = "/communities/{community_id}"
ROUTES = [
    Route(C + "/content-settings", get_settings, methods=["GET"]),
    Route(C + "/content-settings", update_settings, methods=["PATCH"]),
    Route(C + "/content-mix", content_mix, methods=["GET"]),
    Route(C + "/audit", audit, methods=["GET"]),
]
