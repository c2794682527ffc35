"""billing_service's HTTP API (internal: reached through `BillingClient`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from billing_service.schemas import MembershipLookup, MembershipLookupResult, PlanCreate, PlanList, SubscriptionCreate
from billing_service.service import BillingService
from infra.service_app import parse_since, read_model, respond


def _service(request: Request) -> BillingService:
    service: BillingService = request.app.state.service
    return service


async def create_plan(request: Request) -> Response:
    plan_in = await read_model(request, PlanCreate)
    return respond(await _service(request).create_plan(request.path_params["community_id"], plan_in), 201)


async def list_plans(request: Request) -> Response:
    return respond(PlanList(items=await _service(request).list_plans(request.path_params["community_id"])))


async def subscribe(request: Request) -> Response:
    subscription_in = await read_model(request, SubscriptionCreate)
    return respond(await _service(request).subscribe(request.path_params["community_id"], subscription_in))


async def lookup_memberships(request: Request) -> Response:
    lookup = await read_model(request, MembershipLookup)
    memberships = await _service(request).lookup_memberships(request.path_params["community_id"], lookup.member_ids)
    return respond(MembershipLookupResult(memberships=memberships))


async def revenue_by_member(request: Request) -> Response:
    since = parse_since(request.query_params.get("since"))
    return respond(await _service(request).revenue_by_member(request.path_params["community_id"], since))


routes = [
    Route("/communities/{community_id}/plans", create_plan, methods=["POST"]),
    Route("/communities/{community_id}/plans", list_plans, methods=["GET"]),
    Route("/communities/{community_id}/subscriptions", subscribe, methods=["POST"]),
    Route("/communities/{community_id}/memberships/lookup", lookup_memberships, methods=["POST"]),
    Route("/communities/{community_id}/revenue/by-member", revenue_by_member, methods=["GET"]),
]
