"""Topic co-creation over HTTP: open, read, contribute, vote on contributions, merge."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from content_service.routes.params import service
from content_service.schemas.interaction import ContributionCreate, TopicCreate, TopicMerge, VoteCast
from infra.route_params import community_id, path_id
from infra.service_app import read_model, respond


async def open_topic(request: Request) -> Response:
    topic = await read_model(request, TopicCreate)
    return respond(await service(request).topics.open_topic(community_id(request), topic), 201)


async def get_topic(request: Request) -> Response:
    return respond(await service(request).topics.get_topic(community_id(request), path_id(request, "topic_id")))


async def contribute(request: Request) -> Response:
    body = await read_model(request, ContributionCreate)
    read = await service(request).topics.contribute(community_id(request), path_id(request, "topic_id"), body)
    return respond(read, 201)


async def vote_contribution(request: Request) -> Response:
    cast = await read_model(request, VoteCast)
    contribution_id = path_id(request, "contribution_id")
    return respond(await service(request).topics.vote_contribution(community_id(request), contribution_id, cast))


async def merge_topic(request: Request) -> Response:
    body = await read_model(request, TopicMerge)
    content_id = await service(request).topics.merge_topic(community_id(request), path_id(request, "topic_id"), body)
    return respond({"contentId": content_id}, 201)


C = "/communities/{community_id}"
ROUTES = [
    Route(C + "/topics", open_topic, methods=["POST"]),
    Route(C + "/topics/{topic_id}", get_topic, methods=["GET"]),
    Route(C + "/topics/{topic_id}/contributions", contribute, methods=["POST"]),
    Route(C + "/topics/{topic_id}/merge", merge_topic, methods=["POST"]),
    Route(C + "/contributions/{contribution_id}/votes", vote_contribution, methods=["PUT"]),
]
