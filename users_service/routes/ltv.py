"""LTV over HTTP: train a version, list versions (internal: reached through `UsersClient`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from infra.route_params import community_id
from infra.service_app import read_model, respond
from users_service.routes.common import query_limit, service
from users_service.schemas.ltv import LtvTrain


async def train(request: Request) -> Response:
    cid = community_id(request)
    train_in = await read_model(request, LtvTrain)
    return respond(await service(request).ltv.train(cid, train_in), 201)


async def list_models(request: Request) -> Response:
    cid = community_id(request)
    return respond(await service(request).ltv.list_models(cid, limit=query_limit(request, default=10)))


ROUTES = [
    Route("/communities/{community_id}/ltv/models", train, methods=["POST"]),
    Route("/communities/{community_id}/ltv/models", list_models, methods=["GET"]),
]
