"""What every billing route module shares: the facade from the app, the list limit, and a POST-body route."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bson import ObjectId
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from billing_service.service import BillingService
from infra.errors import BadInputError
from infra.route_params import community_id
from infra.schemas import object_id
from infra.service_app import read_model, respond

C = "/communities/{community_id}"


def service(request: Request) -> BillingService:
    billing: BillingService = request.app.state.service
    return billing


def limit(request: Request) -> int:
    try:
        return max(1, min(int(request.query_params.get("limit", "100")), 100))
    except ValueError as exc:
        raise BadInputError("limit must be an integer", field="limit") from exc


def member_filter(request: Request) -> ObjectId | None:
    """The optional `memberId` query parameter: a member reading only their own records."""
    member = request.query_params.get("memberId")
    return object_id(member, field="memberId") if member else None


def body_route(
    path: str, model: type[BaseModel], call: Callable[[BillingService, ObjectId, Any], Awaitable[Any]], *, name: str
) -> Route:
    """A POST route that reads `model` from the body and answers what `call` returns (named for metrics)."""

    async def handler(request: Request) -> Response:
        cid = community_id(request)
        payload = await read_model(request, model)
        return respond(await call(service(request), cid, payload))

    handler.__name__ = name
    return Route(path, handler, methods=["POST"])
