"""What every content route shares beyond infra.route_params: the service facade and integer query parameters."""

from __future__ import annotations

from starlette.requests import Request

from content_service.schemas.access import ViewerRef
from content_service.service import ContentService
from infra.errors import BadInputError


def service(request: Request) -> ContentService:
    facade: ContentService = request.app.state.service
    return facade


def query_int(request: Request, name: str) -> int | None:
    """An integer query parameter; None when absent."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise BadInputError(f"{name} must be an integer", field=name) from exc


def query_limit(request: Request, *, default: int = 100, cap: int = 500) -> int:
    """`limit` (absent or 0: the default), at most `cap`."""
    return min(query_int(request, "limit") or default, cap)


def viewer(request: Request) -> ViewerRef:
    """Who a read is for: `viewer` (see ViewerRef), or the older `viewerId` (a member); neither is anonymous."""
    member_id = request.query_params.get("viewerId")
    if member_id is not None and "viewer" not in request.query_params:
        return ViewerRef.parse(f"member:{member_id}")
    return ViewerRef.parse(request.query_params.get("viewer"))
