"""users_service's HTTP API (internal: called by the gateway and other services through `UsersClient`)."""

from __future__ import annotations

from bson import ObjectId
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from infra.errors import BadInputError
from infra.service_app import parse_since, read_model, respond
from users_service import importing
from users_service.schemas import (
    CommunityCreate,
    Credentials,
    MemberCreate,
    MemberImportBatch,
    MemberLookup,
    MemberLookupResult,
    RoleChange,
    SpendCreate,
)
from users_service.service import UsersService


def _service(request: Request) -> UsersService:
    service: UsersService = request.app.state.service
    return service


async def create_community(request: Request) -> Response:
    community_in = await read_model(request, CommunityCreate)
    return respond(await _service(request).create_community(community_in), 201)


async def get_community(request: Request) -> Response:
    return respond(await _service(request).get_community_or_raise(request.path_params["community_id"]))


async def get_community_by_slug(request: Request) -> Response:
    return respond(await _service(request).get_community_by_slug_or_raise(request.path_params["slug"]))


async def register_member(request: Request) -> Response:
    member_in = await read_model(request, MemberCreate)
    return respond(await _service(request).register(request.path_params["community_id"], member_in), 201)


async def authenticate(request: Request) -> Response:
    credentials = await read_model(request, Credentials)
    return respond(await _service(request).authenticate(request.path_params["community_id"], credentials))


async def get_member(request: Request) -> Response:
    p = request.path_params
    return respond(await _service(request).get_member_or_raise(p["community_id"], p["member_id"]))


async def member_ids_joined(request: Request) -> Response:
    since = parse_since(request.query_params.get("since"))
    if since is None:
        raise BadInputError("since is required", field="since")
    return respond(await _service(request).member_ids_joined_since(request.path_params["community_id"], since))


async def get_member_by_handle(request: Request) -> Response:
    p = request.path_params
    return respond(await _service(request).get_member_by_handle_or_raise(p["community_id"], p["handle"]))


async def lookup_members(request: Request) -> Response:
    lookup = await read_model(request, MemberLookup)
    members = await _service(request).lookup_members(request.path_params["community_id"], lookup.ids)
    return respond(MemberLookupResult(members=members))


async def grant_role(request: Request) -> Response:
    change = await read_model(request, RoleChange)
    return respond(await _service(request).grant_role(request.path_params["community_id"], change))


async def revoke_role(request: Request) -> Response:
    change = await read_model(request, RoleChange)
    return respond(await _service(request).revoke_role(request.path_params["community_id"], change))


async def record_spend(request: Request) -> Response:
    spend_in = await read_model(request, SpendCreate)
    return respond(await _service(request).record_spend(request.path_params["community_id"], spend_in), 201)


async def acquisition_spend(request: Request) -> Response:
    start = parse_since(request.query_params.get("start"), field="start")
    end = parse_since(request.query_params.get("end"), field="end")
    return respond(await _service(request).acquisition_spend(request.path_params["community_id"], start, end))


routes = [
    Route("/communities", create_community, methods=["POST"]),
    Route("/communities/by-slug/{slug}", get_community_by_slug, methods=["GET"]),
    Route("/communities/{community_id}", get_community, methods=["GET"]),
    Route("/communities/{community_id}/members", register_member, methods=["POST"]),
    Route("/communities/{community_id}/members/lookup", lookup_members, methods=["POST"]),
    Route("/communities/{community_id}/members/joined", member_ids_joined, methods=["GET"]),
    Route("/communities/{community_id}/members/by-handle/{handle}", get_member_by_handle, methods=["GET"]),
    Route("/communities/{community_id}/members/{member_id}", get_member, methods=["GET"]),
    Route("/communities/{community_id}/sessions", authenticate, methods=["POST"]),
    Route("/communities/{community_id}/roles/grant", grant_role, methods=["POST"]),
    Route("/communities/{community_id}/roles/revoke", revoke_role, methods=["POST"]),
    Route("/communities/{community_id}/acquisition/spend", record_spend, methods=["POST"]),
    Route("/communities/{community_id}/acquisition/spend", acquisition_spend, methods=["GET"]),
]


# Issue 4: bulk import of members.


async def import_members(request: Request) -> Response:
    batch = await read_model(request, MemberImportBatch)
    service = _service(request)
    community = await service.get_community_or_raise(request.path_params["community_id"])
    return respond(await importing.import_members(service.store, ObjectId(community.id), batch))


routes.append(Route("/communities/{community_id}/members/import", import_members, methods=["POST"]))
