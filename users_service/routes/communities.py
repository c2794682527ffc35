"""Communities over HTTP (internal: reached through `UsersClient`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from infra.route_params import community_id, path_text
from infra.service_app import read_model, respond
from users_service.routes.common import service
from users_service.schemas.communities import CommunityCreate


async def create_community(request: Request) -> Response:
    community_in = await read_model(request, CommunityCreate)
    return respond(await service(request).communities.create(community_in), 201)


async def get_community(request: Request) -> Response:
    return respond(await service(request).communities.get_or_raise(community_id(request)))


async def get_community_by_slug(request: Request) -> Response:
    return respond(await service(request).communities.get_by_slug_or_raise(path_text(request, "slug")))


ROUTES = [
    Route("/communities", create_community, methods=["POST"]),
    Route("/communities/by-slug/{slug}", get_community_by_slug, methods=["GET"]),
    Route("/communities/{community_id}", get_community, methods=["GET"]),
]
