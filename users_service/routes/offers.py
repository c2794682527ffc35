"""Batch offers over HTTP (internal: reached through `UsersClient`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from infra.route_params import community_id
from infra.service_app import read_model, respond
from users_service.routes.common import service
from users_service.schemas.offers import BatchOfferSend


async def send_batch_offer(request: Request) -> Response:
    cid = community_id(request)
    send = await read_model(request, BatchOfferSend)
    return respond(await service(request).offers.send_batch_offer(cid, send))


ROUTES = [Route("/communities/{community_id}/offers", send_batch_offer, methods=["POST"])]
