"""Votes, bullet comments, threaded comments and shares over HTTP."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from content_service.routes.params import query_int, query_limit, service
from content_service.schemas.interaction import (
    BulletCreate,
    BulletList,
    CommentCreate,
    CommentList,
    ShareCreate,
    VoteCast,
)
from infra.route_params import community_id, path_id
from infra.service_app import read_model, respond


async def vote(request: Request) -> Response:
    cast = await read_model(request, VoteCast)
    return respond(await service(request).interaction.vote(community_id(request), path_id(request, "content_id"), cast))


async def tally(request: Request) -> Response:
    result = await service(request).interaction.content_tally(
        community_id(request),
        path_id(request, "content_id"),
        member_id=request.query_params.get("memberId"),
        viewer_id=request.query_params.get("viewerId"),
    )
    return respond(result)


async def add_bullet(request: Request) -> Response:
    bullet = await read_model(request, BulletCreate)
    read = await service(request).interaction.add_bullet(community_id(request), path_id(request, "content_id"), bullet)
    return respond(read, 201)


async def list_bullets(request: Request) -> Response:
    items = await service(request).interaction.list_bullets(
        community_id(request),
        path_id(request, "content_id"),
        paragraph_from=query_int(request, "paragraphFrom"),
        paragraph_to=query_int(request, "paragraphTo"),
        ms_from=query_int(request, "msFrom"),
        ms_to=query_int(request, "msTo"),
        limit=query_limit(request),
        viewer_id=request.query_params.get("viewerId"),
    )
    return respond(BulletList(items=items))


async def add_comment(request: Request) -> Response:
    comment = await read_model(request, CommentCreate)
    read = await service(request).interaction.add_comment(
        community_id(request), path_id(request, "content_id"), comment
    )
    return respond(read, 201)


async def list_comments(request: Request) -> Response:
    items = await service(request).interaction.list_comments(
        community_id(request),
        path_id(request, "content_id"),
        limit=query_limit(request),
        viewer_id=request.query_params.get("viewerId"),
    )
    return respond(CommentList(items=items))


async def share(request: Request) -> Response:
    body = await read_model(request, ShareCreate)
    return respond(
        await service(request).interaction.share(community_id(request), path_id(request, "content_id"), body), 201
    )


C = "/communities/{community_id}/content/{content_id}"
ROUTES = [
    Route(C + "/votes", vote, methods=["PUT"]),
    Route(C + "/votes", tally, methods=["GET"]),
    Route(C + "/bullet-comments", add_bullet, methods=["POST"]),
    Route(C + "/bullet-comments", list_bullets, methods=["GET"]),
    Route(C + "/comments", add_comment, methods=["POST"]),
    Route(C + "/comments", list_comments, methods=["GET"]),
    Route(C + "/shares", share, methods=["POST"]),
]
