"""The content figures of the health indicators over HTTP (internal: read by users_service)."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from content_service.routes.params import service
from infra.route_params import community_id
from infra.service_app import parse_since, respond


async def content_figures(request: Request) -> Response:
    cid = community_id(request)
    as_of = parse_since(request.query_params.get("asOf"), field="asOf") or datetime.now(UTC)
    return respond(await service(request).figures.content(cid, as_of))


ROUTES = [Route("/communities/{community_id}/health/figures", content_figures, methods=["GET"])]
