"""billing_service's HTTP API (internal: reached through `BillingClient`); transport only."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from billing_service import schemas as s
from billing_service.service import BillingService
from infra.errors import BadInputError
from infra.service_app import parse_since, read_model, respond

Handler = Callable[[Request], Awaitable[Response]]


def _service(request: Request) -> BillingService:
    service: BillingService = request.app.state.service
    return service


def _cid(request: Request) -> str:
    return str(request.path_params["community_id"])


def _limit(request: Request) -> int:
    try:
        return max(1, min(int(request.query_params.get("limit", "100")), 100))
    except ValueError as exc:
        raise BadInputError("limit must be an integer", field="limit") from exc


def body_route(
    path: str, model: type[BaseModel], call: Callable[[BillingService, str, Any], Awaitable[Any]], *, name: str
) -> Route:
    """A POST route that reads `model` from the body and answers what `call` returns (named for metrics)."""

    async def handler(request: Request) -> Response:
        payload = await read_model(request, model)
        return respond(await call(_service(request), _cid(request), payload))

    handler.__name__ = name
    return Route(path, handler, methods=["POST"])


async def list_plans(request: Request) -> Response:
    return respond(s.PlanList(items=await _service(request).subscriptions.list_plans(_cid(request))))


async def create_plan(request: Request) -> Response:
    plan_in = await read_model(request, s.PlanCreate)
    return respond(await _service(request).subscriptions.create_plan(_cid(request), plan_in), 201)


async def lookup_memberships(request: Request) -> Response:
    lookup = await read_model(request, s.MembershipLookup)
    memberships = await _service(request).subscriptions.lookup_memberships(_cid(request), lookup.member_ids)
    return respond(s.MembershipLookupResult(memberships=memberships))


async def list_subscriptions(request: Request) -> Response:
    statuses = [v for v in request.query_params.getlist("status") if v]
    return respond(await _service(request).subscriptions.list_subscriptions(_cid(request), statuses, _limit(request)))


async def revenue_by_member(request: Request) -> Response:
    since = parse_since(request.query_params.get("since"))
    return respond(await _service(request).analytics.revenue_by_member(_cid(request), since))


async def trial_balance(request: Request) -> Response:
    return respond(await _service(request).analytics.trial_balance(_cid(request)))


async def revenue_report(request: Request) -> Response:
    period = request.query_params.get("period", "")
    return respond(await _service(request).analytics.revenue_report(_cid(request), period))


async def list_products(request: Request) -> Response:
    return respond(await _service(request).commerce.list_products(_cid(request), _limit(request)))


async def list_deals(request: Request) -> Response:
    kind = request.query_params.get("kind", "AD_CAMPAIGN")
    return respond(await _service(request).commerce.list_deals(_cid(request), kind, _limit(request)))


async def list_invoices(request: Request) -> Response:
    member = request.query_params.get("memberId") or None
    return respond(await _service(request).invoices.list(_cid(request), member, _limit(request)))


async def get_invoice(request: Request) -> Response:
    member = request.query_params.get("memberId") or None
    invoice_id = request.path_params["invoice_id"]
    return respond(await _service(request).invoices.get(_cid(request), invoice_id, member))


async def invoice_pdf(request: Request) -> Response:
    member = request.query_params.get("memberId") or None
    invoice_id = request.path_params["invoice_id"]
    return respond(await _service(request).invoices.pdf(_cid(request), invoice_id, member))


async def finalize_invoice(request: Request) -> Response:
    return respond(await _service(request).invoices.finalize(_cid(request), request.path_params["invoice_id"]))


async def void_invoice(request: Request) -> Response:
    return respond(await _service(request).invoices.void(_cid(request), request.path_params["invoice_id"]))


async def list_notifications(request: Request) -> Response:
    return respond(await _service(request).subscriptions.list_notifications(_cid(request), _limit(request)))


async def run_cycle(request: Request) -> Response:
    run = await read_model(request, s.CycleRun)
    return respond(await _service(request).cycle.run(run.now))


async def receive_webhook(request: Request) -> Response:
    body = await request.body()
    headers = {k.lower(): v for k, v in request.headers.items()}
    return respond(await _service(request).flow.receive_webhook(body, headers))


C = "/communities/{community_id}"
routes = [
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
    body_route(
        f"{C}/coupons", s.CouponCreate, lambda svc, c, p: svc.subscriptions.create_coupon(c, p), name="create_coupon"
    ),
    Route(f"{C}/memberships/lookup", lookup_memberships, methods=["POST"]),
    Route(f"{C}/revenue/by-member", revenue_by_member, methods=["GET"]),
    Route(f"{C}/ledger/trial-balance", trial_balance, methods=["GET"]),
    Route(f"{C}/revenue/report", revenue_report, methods=["GET"]),
    body_route(
        f"{C}/products", s.ProductCreate, lambda svc, c, p: svc.commerce.create_product(c, p), name="create_product"
    ),
    Route(f"{C}/products", list_products, methods=["GET"]),
    body_route(f"{C}/purchases", s.PurchaseCreate, lambda svc, c, p: svc.commerce.purchase(c, p), name="purchase"),
    body_route(
        f"{C}/ad-campaigns",
        s.AdCampaignCreate,
        lambda svc, c, p: svc.commerce.book_ad_campaign(c, p),
        name="book_ad_campaign",
    ),
    body_route(
        f"{C}/data-contracts",
        s.DataContractCreate,
        lambda svc, c, p: svc.commerce.sign_data_contract(c, p),
        name="sign_data_contract",
    ),
    Route(f"{C}/deals", list_deals, methods=["GET"]),
    body_route(
        f"{C}/receipts", s.ReceiptCreate, lambda svc, c, p: svc.commerce.record_receipt(c, p), name="record_receipt"
    ),
    body_route(
        f"{C}/creator-awards",
        s.CreatorAwardCreate,
        lambda svc, c, p: svc.commerce.award_creator(c, p),
        name="award_creator",
    ),
    body_route(
        f"{C}/creator-payouts",
        s.CreatorPayoutCreate,
        lambda svc, c, p: svc.commerce.pay_creator(c, p),
        name="pay_creator",
    ),
    body_route(f"{C}/costs", s.CostCreate, lambda svc, c, p: svc.commerce.record_cost(c, p), name="record_cost"),
    body_route(f"{C}/refunds", s.RefundCreate, lambda svc, c, p: svc.refunds.refund(c, p), name="refund"),
    body_route(
        f"{C}/invoices", s.InvoiceDraftCreate, lambda svc, c, p: svc.invoices.create_draft(c, p), name="create_draft"
    ),
    Route(f"{C}/invoices", list_invoices, methods=["GET"]),
    Route(f"{C}/invoices/{{invoice_id}}", get_invoice, methods=["GET"]),
    Route(f"{C}/invoices/{{invoice_id}}/pdf", invoice_pdf, methods=["GET"]),
    Route(f"{C}/invoices/{{invoice_id}}/finalize", finalize_invoice, methods=["POST"]),
    Route(f"{C}/invoices/{{invoice_id}}/void", void_invoice, methods=["POST"]),
    Route(f"{C}/notifications", list_notifications, methods=["GET"]),
    Route("/billing/cycle", run_cycle, methods=["POST"]),
    Route("/webhooks/sandbox", receive_webhook, methods=["POST"]),
]
