"""Incentives' HTTP API."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from content_service.incentives.schemas import BoostGrant, ContentStarRun, PendingPayoutList
from content_service.incentives.service import IncentivesService
from content_service.production.routes import int_param
from infra.service_app import read_model, respond


def _service(request: Request) -> IncentivesService:
    service: IncentivesService = request.app.state.incentives
    return service


async def run_content_star(request: Request) -> Response:
    run = await read_model(request, ContentStarRun)
    return respond(await _service(request).run_content_star(request.path_params["community_id"], run))


async def payouts(request: Request) -> Response:
    limit = min(int_param(request, "limit", 100) or 100, 500)
    items = await _service(request).payouts(
        request.path_params["community_id"], status=request.query_params.get("status"), limit=limit
    )
    return respond(PendingPayoutList(items=items))


async def grant_boost(request: Request) -> Response:
    grant = await read_model(request, BoostGrant)
    return respond(await _service(request).grant_boost(request.path_params["community_id"], grant), 201)


C = "/communities/{community_id}"
routes = [
    Route(C + "/content-star/runs", run_content_star, methods=["POST"]),
    Route(C + "/pending-payouts", payouts, methods=["GET"]),
    Route(C + "/exposure-boosts", grant_boost, methods=["POST"]),
]
