"""Routes outside any community: one billing cycle on demand, and the sandbox provider's webhooks."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from billing_service import schemas as s
from billing_service.routes.base import service
from infra.service_app import read_model, respond


async def run_cycle(request: Request) -> Response:
    run = await read_model(request, s.CycleRun)
    return respond(await service(request).cycle.run_requested(run.now))


async def receive_webhook(request: Request) -> Response:
    body = await request.body()
    headers = {k.lower(): v for k, v in request.headers.items()}
    return respond(await service(request).flow.receive_webhook(body, headers))


ROUTES = [
    Route("/billing/cycle", run_cycle, methods=["POST"]),
    Route("/webhooks/sandbox", receive_webhook, methods=["POST"]),
]
