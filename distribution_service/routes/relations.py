"""A member's follows and blocks: the four changes, one member's list, and a batch lookup."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from distribution_service.routes.base import C, int_param, service
from distribution_service.schemas import AuthorRelationChange, AuthorRelationsByMember, AuthorRelationsLookup
from infra.route_params import community_id, path_id
from infra.service_app import read_model, respond

ACTIONS = ("follow", "unfollow", "block", "unblock")


def _change_route(action: str) -> Route:
    async def change(request: Request) -> Response:
        cid = community_id(request)
        change_in = await read_model(request, AuthorRelationChange)
        return respond(await getattr(service(request).relations, action)(cid, change_in))

    change.__name__ = action
    return Route(f"{C}/relations/{action}", change, methods=["POST"])


async def member_relations(request: Request) -> Response:
    cid, member_id = community_id(request), path_id(request, "member_id")
    first = int_param(request, "first", 100)
    return respond(await service(request).relations.relations(cid, member_id, first=first))


async def lookup_relations(request: Request) -> Response:
    cid = community_id(request)
    lookup = await read_model(request, AuthorRelationsLookup)
    members = await service(request).relations.author_relations(cid, lookup.member_ids)
    return respond(AuthorRelationsByMember(members=members))


ROUTES = [
    *(_change_route(action) for action in ACTIONS),
    Route(f"{C}/relations/lookup", lookup_relations, methods=["POST"]),
    Route(f"{C}/members/{{member_id}}/relations", member_relations, methods=["GET"]),
]
