"""Members, sign-in and roles over HTTP (internal: reached through `UsersClient`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from infra.bulk import SourceIdLookup
from infra.errors import BadInputError
from infra.route_params import community_id, path_id, path_text
from infra.service_app import parse_since, read_model, respond
from users_service.routes.common import query_int, service
from users_service.schemas.members import (
    Credentials,
    MemberCreate,
    MemberImportBatch,
    MemberLookup,
    MemberLookupResult,
    RoleChange,
)


async def register_member(request: Request) -> Response:
    member_in = await read_model(request, MemberCreate)
    return respond(await service(request).members.register(community_id(request), member_in), 201)


async def authenticate(request: Request) -> Response:
    credentials = await read_model(request, Credentials)
    return respond(await service(request).members.authenticate(community_id(request), credentials))


async def get_member(request: Request) -> Response:
    cid, member_id = community_id(request), path_id(request, "member_id")
    return respond(await service(request).members.get_or_raise(cid, member_id))


async def get_member_by_handle(request: Request) -> Response:
    cid, handle = community_id(request), path_text(request, "handle")
    return respond(await service(request).members.get_by_handle_or_raise(cid, handle))


async def member_ids_joined(request: Request) -> Response:
    cid = community_id(request)
    since = parse_since(request.query_params.get("since"))
    if since is None:
        raise BadInputError("since is required", field="since")
    return respond(await service(request).members.ids_joined_since(cid, since))


async def lookup_members(request: Request) -> Response:
    cid = community_id(request)
    lookup = await read_model(request, MemberLookup)
    members = await service(request).members.lookup(cid, lookup.ids, cached=lookup.cached)
    return respond(MemberLookupResult(members=members))


async def import_members(request: Request) -> Response:
    cid = community_id(request)
    batch = await read_model(request, MemberImportBatch)
    return respond(await service(request).importing.import_members(cid, batch))


async def member_ids_by_source(request: Request) -> Response:
    lookup = await read_model(request, SourceIdLookup)
    return respond(await service(request).importing.ids_by_source(community_id(request), lookup))


async def grant_role(request: Request) -> Response:
    change = await read_model(request, RoleChange)
    return respond(await service(request).members.grant_role(community_id(request), change))


async def revoke_role(request: Request) -> Response:
    change = await read_model(request, RoleChange)
    return respond(await service(request).members.revoke_role(community_id(request), change))


_base = "/communities/{community_id}"


# The fixed paths (lookup, joined, by-handle, import, by-source) come before `{member_id}`.
async def member_page(request: Request) -> Response:
    first = query_int(request, "first")
    after = request.query_params.get("after")
    return respond(await service(request).members.page(community_id(request), first=first or 20, after=after))


ROUTES = [
    Route(f"{_base}/members", register_member, methods=["POST"]),
    Route(f"{_base}/members/lookup", lookup_members, methods=["POST"]),
    Route(f"{_base}/members/joined", member_ids_joined, methods=["GET"]),
    Route(f"{_base}/members/page", member_page, methods=["GET"]),
    Route(f"{_base}/members/import", import_members, methods=["POST"]),
    Route(f"{_base}/members/by-source", member_ids_by_source, methods=["POST"]),
    Route(f"{_base}/members/by-handle/{{handle}}", get_member_by_handle, methods=["GET"]),
    Route(f"{_base}/members/{{member_id}}", get_member, methods=["GET"]),
    Route(f"{_base}/sessions", authenticate, methods=["POST"]),
    Route(f"{_base}/roles/grant", grant_role, methods=["POST"]),
    Route(f"{_base}/roles/revoke", revoke_role, methods=["POST"]),
]
