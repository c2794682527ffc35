"""A member's feed and the explanation of one item of a logged decision."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from distribution_service.routes.base import C, service
from distribution_service.schemas import ExplainRequest, FeedRequest
from infra.route_params import community_id
from infra.service_app import read_model, respond


async def feed(request: Request) -> Response:
    cid = community_id(request)
    feed_request = await read_model(request, FeedRequest)
    return respond(await service(request).feed.feed(cid, feed_request))


async def explain(request: Request) -> Response:
    cid = community_id(request)
    explain_request = await read_model(request, ExplainRequest)
    return respond(await service(request).feed.explain(cid, explain_request))


ROUTES = [
    Route(f"{C}/feed", feed, methods=["POST"]),
    Route(f"{C}/feed/explain", explain, methods=["POST"]),
]
