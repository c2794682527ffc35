"""LTV's HTTP API (internal: reached through `UsersClient`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from infra.service_app import read_model, respond
from users_service.ltv.schemas import LtvTrain
from users_service.ltv.service import LtvService
from users_service.value.routes import query_limit


def _service(request: Request) -> LtvService:
    service: LtvService = request.app.state.ltv
    return service


async def train(request: Request) -> Response:
    train_in = await read_model(request, LtvTrain)
    return respond(await _service(request).train(request.path_params["community_id"], train_in), 201)


async def list_models(request: Request) -> Response:
    limit = query_limit(request, default=10)
    return respond(await _service(request).list_models(request.path_params["community_id"], limit=limit))


routes = [
    Route("/communities/{community_id}/ltv/models", train, methods=["POST"]),
    Route("/communities/{community_id}/ltv/models", list_models, methods=["GET"]),
]
