"""The ledger's trial balance, the revenue reads (by member, by period) and the health indicators' commerce
figures."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from billing_service.routes.base import C, service
from infra.route_params import community_id
from infra.service_app import parse_since, respond


async def revenue_by_member(request: Request) -> Response:
    since = parse_since(request.query_params.get("since"))
    return respond(await service(request).analytics.revenue_by_member(community_id(request), since))


async def trial_balance(request: Request) -> Response:
    return respond(await service(request).analytics.trial_balance(community_id(request)))


async def revenue_report(request: Request) -> Response:
    period = request.query_params.get("period", "")
    return respond(await service(request).analytics.revenue_report(community_id(request), period))


async def commerce_figures(request: Request) -> Response:
    cid = community_id(request)
    as_of = parse_since(request.query_params.get("asOf"), field="asOf") or datetime.now(UTC)
    return respond(await service(request).figures.commerce(cid, as_of))


async def payments_by_member(request: Request) -> Response:
    cid = community_id(request)
    as_of = parse_since(request.query_params.get("asOf"), field="asOf") or datetime.now(UTC)
    return respond(await service(request).figures.payments_by_member(cid, as_of))


ROUTES = [
    Route(f"{C}/revenue/by-member", revenue_by_member, methods=["GET"]),
    Route(f"{C}/ledger/trial-balance", trial_balance, methods=["GET"]),
    Route(f"{C}/revenue/report", revenue_report, methods=["GET"]),
    Route(f"{C}/health/figures", commerce_figures, methods=["GET"]),
    Route(f"{C}/health/payers", payments_by_member, methods=["GET"]),
]
