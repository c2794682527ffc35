"""Content stars, pending payouts and exposure boosts over HTTP."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from content_service.routes.params import query_limit, service
from content_service.schemas.incentives import BoostGrant, ContentStarRun, PendingPayoutList
from infra.route_params import community_id
from infra.service_app import read_model, respond


async def run_content_star(request: Request) -> Response:
    run = await read_model(request, ContentStarRun)
    return respond(await service(request).incentives.run_content_star(community_id(request), run))


async def payouts(request: Request) -> Response:
    items = await service(request).incentives.payouts(
        community_id(request), status=request.query_params.get("status"), limit=query_limit(request)
    )
    return respond(PendingPayoutList(items=items))


async def grant_boost(request: Request) -> Response:
    grant = await read_model(request, BoostGrant)
    return respond(await service(request).incentives.grant_boost(community_id(request), grant), 201)


C = "/communities/{community_id}"
ROUTES = [
    Route(C + "/content-star/runs", run_content_star, methods=["POST"]),
    Route(C + "/pending-payouts", payouts, methods=["GET"]),
    Route(C + "/exposure-boosts", grant_boost, methods=["POST"]),
]
