"""A parent community's sub-communities over HTTP (internal: reached through `UsersClient`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from infra.route_params import community_id
from infra.service_app import respond
from users_service.routes.common import service


async def sub_communities(request: Request) -> Response:
    return respond(await service(request).sub_communities.overview(community_id(request)))


ROUTES = [Route("/communities/{community_id}/sub-communities", sub_communities, methods=["GET"])]
