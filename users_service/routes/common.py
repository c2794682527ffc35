"""What every users route module shares: the service facade of the app, and a bounded `limit` query parameter."""

from __future__ import annotations

from bson import ObjectId
from starlette.requests import Request

from infra.errors import BadInputError
from infra.schemas import object_id
from users_service.service import UsersService


def service(request: Request) -> UsersService:
    users: UsersService = request.app.state.service
    return users


def query_limit(request: Request, *, default: int = 20, maximum: int = 100) -> int:
    try:
        limit = int(request.query_params.get("limit", str(default)))
    except ValueError as exc:
        raise BadInputError("limit must be an integer", field="limit") from exc
    return max(1, min(limit, maximum))


def query_int(request: Request, name: str) -> int | None:
    """An integer query parameter; None when absent."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise BadInputError(f"{name} must be an integer", field=name) from exc


def query_id(request: Request, name: str) -> ObjectId | None:
    """An optional id in the query string (`?surveyId=...`), parsed like a path id."""
    value = request.query_params.get(name)
    return object_id(value, field=name) if value else None
