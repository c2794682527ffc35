"""Health indicators over HTTP (internal: reached through `UsersClient`; the gateway checks OPERATOR)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from infra.errors import BadInputError
from infra.route_params import community_id, path_text
from infra.service_app import read_model, respond
from users_service.domain.health.model import AlertStatus, IndicatorLevel
from users_service.routes.common import query_limit, service
from users_service.schemas.health import MAX_HISTORY, TargetUpdate

H = "/communities/{community_id}/health"
ALERT_STATUSES = tuple(s.value for s in AlertStatus)


def _level(request: Request) -> IndicatorLevel:
    raw = request.query_params.get("level", IndicatorLevel.PRIMARY.value)
    try:
        return IndicatorLevel(raw)
    except ValueError as exc:
        raise BadInputError(f"level must be one of {[v.value for v in IndicatorLevel]}", field="level") from exc


async def list_indicators(request: Request) -> Response:
    return respond(await service(request).health.indicators(community_id(request), _level(request)))


async def get_indicator(request: Request) -> Response:
    cid, key = community_id(request), path_text(request, "key", max_length=64)
    limit = query_limit(request, default=90, maximum=MAX_HISTORY)
    return respond(await service(request).health.indicator(cid, key, limit=limit))


async def set_target(request: Request) -> Response:
    update = await read_model(request, TargetUpdate)
    return respond(await service(request).health.set_target(community_id(request), update))


async def compute(request: Request) -> Response:
    return respond(await service(request).health.compute(community_id(request)), 201)


async def list_alerts(request: Request) -> Response:
    status = request.query_params.get("status") or None
    if status is not None and status not in ALERT_STATUSES:
        raise BadInputError(f"status must be one of {list(ALERT_STATUSES)}", field="status")
    limit = query_limit(request, default=50, maximum=200)
    return respond(await service(request).health.alerts(community_id(request), status, limit=limit))


ROUTES = [
    Route(f"{H}/indicators", list_indicators, methods=["GET"]),
    Route(f"{H}/indicators/{{key}}", get_indicator, methods=["GET"]),
    Route(f"{H}/targets", set_target, methods=["PUT"]),
    Route(f"{H}/snapshots", compute, methods=["POST"]),
    Route(f"{H}/alerts", list_alerts, methods=["GET"]),
]
