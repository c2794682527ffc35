"""What every distribution route module shares: the facade from the app and integer query parameters."""

from __future__ import annotations

from starlette.requests import Request

from distribution_service.service import DistributionService
from infra.errors import BadInputError

C = "/communities/{community_id}"


def service(request: Request) -> DistributionService:
    distribution: DistributionService = request.app.state.service
    return distribution


def int_param(request: Request, name: str, default: int) -> int:
    try:
        return int(request.query_params.get(name, str(default)))
    except ValueError as exc:
        raise BadInputError(f"{name} must be an integer", field=name) from exc
