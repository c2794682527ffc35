"""Plans, subscriptions, coupons, memberships and billing notifications."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from billing_service import schemas as s
from billing_service.routes.base import C, body_route, limit, service
from infra.route_params import community_id
from infra.service_app import read_model, respond


async def list_plans(request: Request) -> Response:
    return respond(s.PlanList(items=await service(request).subscriptions.list_plans(community_id(request))))


async def create_plan(request: Request) -> Response:
    cid = community_id(request)
    plan_in = await read_model(request, s.PlanCreate)
    return respond(await service(request).subscriptions.create_plan(cid, plan_in), 201)


async def lookup_memberships(request: Request) -> Response:
    cid = community_id(request)
    lookup = await read_model(request, s.MembershipLookup)
    memberships = await service(request).subscriptions.lookup_memberships(cid, lookup.member_ids)
    return respond(s.MembershipLookupResult(memberships=memberships))


async def lookup_subscriptions(request: Request) -> Response:
    lookup = await read_model(request, s.IdLookup)
    subscriptions = await service(request).subscriptions.lookup_subscriptions(community_id(request), lookup.ids)
    return respond(s.SubscriptionLookupResult(subscriptions=subscriptions))


async def list_subscriptions(request: Request) -> Response:
    statuses = [v for v in request.query_params.getlist("status") if v]
    subscriptions = service(request).subscriptions
    return respond(await subscriptions.list_subscriptions(community_id(request), statuses, limit(request)))


async def list_notifications(request: Request) -> Response:
    return respond(await service(request).subscriptions.list_notifications(community_id(request), limit(request)))


ROUTES = [
    Route(f"{C}/plans", create_plan, methods=["POST"]),
    Route(f"{C}/plans", list_plans, methods=["GET"]),
    body_route(
        f"{C}/subscriptions",
        s.SubscriptionCreate,
        lambda svc, c, p: svc.subscriptions.subscribe(c, p),
        name="subscribe",
    ),
    Route(f"{C}/subscriptions", list_subscriptions, methods=["GET"]),
    body_route(
        f"{C}/subscriptions/cancel",
        s.SubscriptionCancel,
        lambda svc, c, p: svc.subscriptions.cancel(c, p),
        name="cancel",
    ),
    body_route(
        f"{C}/subscriptions/change-plan",
        s.PlanChange,
        lambda svc, c, p: svc.subscriptions.change_plan(c, p),
        name="change_plan",
    ),
    body_route(f"{C}/coupons", s.CouponCreate, lambda svc, c, p: svc.coupons.create_coupon(c, p), name="create_coupon"),
    body_route(f"{C}/offers", s.OfferIssue, lambda svc, c, p: svc.coupons.issue_offer(c, p), name="issue_offer"),
    Route(f"{C}/memberships/lookup", lookup_memberships, methods=["POST"]),
    Route(f"{C}/subscriptions/lookup", lookup_subscriptions, methods=["POST"]),
    Route(f"{C}/notifications", list_notifications, methods=["GET"]),
]
