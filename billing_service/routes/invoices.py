"""Invoices (drafts, finalize, void, PDF) and refunds, which answer with their credit note."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from billing_service import schemas as s
from billing_service.routes.base import C, body_route, limit, member_filter, service
from infra.route_params import community_id, path_id
from infra.service_app import read_model, respond


async def list_invoices(request: Request) -> Response:
    cid = community_id(request)
    return respond(await service(request).invoices.list(cid, member_filter(request), limit(request)))


async def get_invoice(request: Request) -> Response:
    cid, invoice_id = community_id(request), path_id(request, "invoice_id")
    return respond(await service(request).invoices.get(cid, invoice_id, member_filter(request)))


async def lookup_invoices(request: Request) -> Response:
    lookup = await read_model(request, s.IdLookup)
    invoices = await service(request).invoices.lookup(community_id(request), lookup.ids)
    return respond(s.InvoiceLookupResult(invoices=invoices))


async def invoice_pdf(request: Request) -> Response:
    cid, invoice_id = community_id(request), path_id(request, "invoice_id")
    return respond(await service(request).invoices.pdf(cid, invoice_id, member_filter(request)))


async def finalize_invoice(request: Request) -> Response:
    cid, invoice_id = community_id(request), path_id(request, "invoice_id")
    return respond(await service(request).invoices.finalize(cid, invoice_id))


async def void_invoice(request: Request) -> Response:
    cid, invoice_id = community_id(request), path_id(request, "invoice_id")
    return respond(await service(request).invoices.void(cid, invoice_id))


ROUTES = [
    body_route(f"{C}/refunds", s.RefundCreate, lambda svc, c, p: svc.refunds.refund(c, p), name="refund"),
    body_route(
        f"{C}/invoices", s.InvoiceDraftCreate, lambda svc, c, p: svc.invoices.create_draft(c, p), name="create_draft"
    ),
    Route(f"{C}/invoices", list_invoices, methods=["GET"]),
    Route(f"{C}/invoices/lookup", lookup_invoices, methods=["POST"]),
    Route(f"{C}/invoices/{{invoice_id}}", get_invoice, methods=["GET"]),
    Route(f"{C}/invoices/{{invoice_id}}/pdf", invoice_pdf, methods=["GET"]),
    Route(f"{C}/invoices/{{invoice_id}}/finalize", finalize_invoice, methods=["POST"]),
    Route(f"{C}/invoices/{{invoice_id}}/void", void_invoice, methods=["POST"]),
]
