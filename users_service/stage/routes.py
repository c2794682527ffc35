"""Lifecycle stage's HTTP API (internal: reached through `UsersClient`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from infra.service_app import respond
from users_service.stage.service import StageService


async def community_stage(request: Request) -> Response:
    service: StageService = request.app.state.stage
    return respond(await service.stage(request.path_params["community_id"]))


routes = [Route("/communities/{community_id}/stage", community_stage, methods=["GET"])]
