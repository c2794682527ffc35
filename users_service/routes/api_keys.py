"""Partner API keys over HTTP (internal: reached through `UsersClient`; the gateway checks the operator)."""

from __future__ import annotations

from bson import ObjectId
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from infra.errors import BadInputError
from infra.route_params import community_id, path_id
from infra.service_app import read_model, respond
from users_service.routes.common import query_id, query_limit, service
from users_service.schemas.api_keys import ApiKeyAuthenticate, ApiKeyCreate, ApiKeyList, ApiKeyRevoke


async def create_key(request: Request) -> Response:
    key_in = await read_model(request, ApiKeyCreate)
    return respond(await service(request).api_keys.create(community_id(request), key_in), 201)


async def list_keys(request: Request) -> Response:
    acting = query_id(request, "actingCommunityId")
    if acting is None:
        raise BadInputError("actingCommunityId is required", field="actingCommunityId")
    keys = await service(request).api_keys.list_(community_id(request), acting, limit=query_limit(request))
    return respond(ApiKeyList(api_keys=keys))


async def revoke_key(request: Request) -> Response:
    revoke_in = await read_model(request, ApiKeyRevoke)
    cid, key_id = community_id(request), path_id(request, "key_id", field="id")
    acting = ObjectId(revoke_in.acting_community_id)
    return respond(await service(request).api_keys.revoke(cid, key_id, acting))


async def authenticate(request: Request) -> Response:
    auth_in = await read_model(request, ApiKeyAuthenticate)
    return respond(await service(request).api_keys.authenticate(auth_in.secret))


_base = "/communities/{community_id}/api-keys"
ROUTES = [
    Route("/api-keys/authenticate", authenticate, methods=["POST"]),
    Route(_base, create_key, methods=["POST"]),
    Route(_base, list_keys, methods=["GET"]),
    Route(f"{_base}/{{key_id}}/revoke", revoke_key, methods=["POST"]),
]
