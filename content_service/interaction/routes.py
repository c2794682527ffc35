"""Interaction's HTTP API."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from content_service.interaction.schemas import (
    BulletCreate,
    BulletList,
    CommentCreate,
    CommentList,
    ContributionCreate,
    ShareCreate,
    TopicCreate,
    TopicMerge,
    VoteCast,
)
from content_service.interaction.service import InteractionService
from content_service.interaction.topics import TopicService
from content_service.production.routes import int_param
from infra.service_app import read_model, respond


def _service(request: Request) -> InteractionService:
    service: InteractionService = request.app.state.interaction
    return service


def _topics(request: Request) -> TopicService:
    service: TopicService = request.app.state.topics
    return service


async def vote(request: Request) -> Response:
    cast = await read_model(request, VoteCast)
    p = request.path_params
    return respond(await _service(request).vote(p["community_id"], p["content_id"], cast))


async def tally(request: Request) -> Response:
    p = request.path_params
    member_id = request.query_params.get("memberId")
    tally = await _service(request).content_tally(
        p["community_id"], p["content_id"], member_id=member_id, viewer_id=request.query_params.get("viewerId")
    )
    return respond(tally)


async def add_bullet(request: Request) -> Response:
    bullet = await read_model(request, BulletCreate)
    p = request.path_params
    return respond(await _service(request).add_bullet(p["community_id"], p["content_id"], bullet), 201)


async def list_bullets(request: Request) -> Response:
    p = request.path_params
    items = await _service(request).list_bullets(
        p["community_id"],
        p["content_id"],
        paragraph_from=int_param(request, "paragraphFrom", None),
        paragraph_to=int_param(request, "paragraphTo", None),
        ms_from=int_param(request, "msFrom", None),
        ms_to=int_param(request, "msTo", None),
        limit=min(int_param(request, "limit", 100) or 100, 500),
        viewer_id=request.query_params.get("viewerId"),
    )
    return respond(BulletList(items=items))


async def add_comment(request: Request) -> Response:
    comment = await read_model(request, CommentCreate)
    p = request.path_params
    return respond(await _service(request).add_comment(p["community_id"], p["content_id"], comment), 201)


async def list_comments(request: Request) -> Response:
    p = request.path_params
    limit = min(int_param(request, "limit", 100) or 100, 500)
    return respond(
        CommentList(
            items=await _service(request).list_comments(
                p["community_id"], p["content_id"], limit=limit, viewer_id=request.query_params.get("viewerId")
            )
        )
    )


async def share(request: Request) -> Response:
    body = await read_model(request, ShareCreate)
    p = request.path_params
    return respond(await _service(request).share(p["community_id"], p["content_id"], body), 201)


async def open_topic(request: Request) -> Response:
    topic = await read_model(request, TopicCreate)
    return respond(await _topics(request).open_topic(request.path_params["community_id"], topic), 201)


async def get_topic(request: Request) -> Response:
    p = request.path_params
    return respond(await _topics(request).get_topic(p["community_id"], p["topic_id"]))


async def contribute(request: Request) -> Response:
    body = await read_model(request, ContributionCreate)
    p = request.path_params
    return respond(await _topics(request).contribute(p["community_id"], p["topic_id"], body), 201)


async def vote_contribution(request: Request) -> Response:
    cast = await read_model(request, VoteCast)
    p = request.path_params
    return respond(await _topics(request).vote_contribution(p["community_id"], p["contribution_id"], cast))


async def merge_topic(request: Request) -> Response:
    body = await read_model(request, TopicMerge)
    p = request.path_params
    return respond({"contentId": await _topics(request).merge_topic(p["community_id"], p["topic_id"], body)}, 201)


C = "/communities/{community_id}"
routes = [
    Route(C + "/content/{content_id}/votes", vote, methods=["PUT"]),
    Route(C + "/content/{content_id}/votes", tally, methods=["GET"]),
    Route(C + "/content/{content_id}/bullet-comments", add_bullet, methods=["POST"]),
    Route(C + "/content/{content_id}/bullet-comments", list_bullets, methods=["GET"]),
    Route(C + "/content/{content_id}/comments", add_comment, methods=["POST"]),
    Route(C + "/content/{content_id}/comments", list_comments, methods=["GET"]),
    Route(C + "/content/{content_id}/shares", share, methods=["POST"]),
    Route(C + "/topics", open_topic, methods=["POST"]),
    Route(C + "/topics/{topic_id}", get_topic, methods=["GET"]),
    Route(C + "/topics/{topic_id}/contributions", contribute, methods=["POST"]),
    Route(C + "/topics/{topic_id}/merge", merge_topic, methods=["POST"]),
    Route(C + "/contributions/{contribution_id}/votes", vote_contribution, methods=["PUT"]),
]
