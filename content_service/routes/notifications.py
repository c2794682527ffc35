"""Notifications for the community's webhook, raised by other services."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from content_service.routes.params import service
from content_service.schemas.notifications import NotificationCreate
from infra.route_params import community_id
from infra.service_app import read_model, respond


async def queue_notification(request: Request) -> Response:
    cid = community_id(request)
    notification = await read_model(request, NotificationCreate)
    return respond(await service(request).notifications.queue(cid, notification), 202)


ROUTES = [Route("/communities/{community_id}/notifications", queue_notification, methods=["POST"])]
