"""Products and purchases, ad campaigns and data contracts (deals), receipts, creator awards and payouts, costs."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from billing_service import schemas as s
from billing_service.routes.base import C, body_route, limit, service
from infra.route_params import community_id
from infra.service_app import read_model, respond


async def list_products(request: Request) -> Response:
    return respond(await service(request).commerce.list_products(community_id(request), limit(request)))


async def list_deals(request: Request) -> Response:
    kind = request.query_params.get("kind", "AD_CAMPAIGN")
    return respond(await service(request).commerce.list_deals(community_id(request), kind, limit(request)))


async def lookup_payments(request: Request) -> Response:
    lookup = await read_model(request, s.IdLookup)
    payments = await service(request).commerce.lookup_payments(community_id(request), lookup.ids)
    return respond(s.PaymentLookupResult(payments=payments))


ROUTES = [
    body_route(
        f"{C}/products", s.ProductCreate, lambda svc, c, p: svc.commerce.create_product(c, p), name="create_product"
    ),
    Route(f"{C}/products", list_products, methods=["GET"]),
    Route(f"{C}/payments/lookup", lookup_payments, methods=["POST"]),
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
]
