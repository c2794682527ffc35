"""Member value's HTTP API (internal: reached through `UsersClient`)."""

from __future__ import annotations

from datetime import UTC

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from infra.errors import BadInputError
from infra.service_app import read_json, read_model, respond
from users_service.value.schemas import LastActivity, RecomputeRequest, TierChangeList, TierRunList, ValueConfig
from users_service.value.service import ValueService


def _service(request: Request) -> ValueService:
    service: ValueService = request.app.state.value
    return service


def query_limit(request: Request, *, default: int = 20, maximum: int = 100) -> int:
    try:
        limit = int(request.query_params.get("limit", str(default)))
    except ValueError as exc:
        raise BadInputError("limit must be an integer", field="limit") from exc
    return max(1, min(limit, maximum))


async def get_config(request: Request) -> Response:
    return respond(await _service(request).get_config(request.path_params["community_id"]))


async def patch_config(request: Request) -> Response:
    changes = await read_json(request)
    if not isinstance(changes, dict):
        raise BadInputError("the body must be an object of the fields to change")
    return respond(await _service(request).update_config(request.path_params["community_id"], changes))


async def put_config(request: Request) -> Response:
    config = await read_model(request, ValueConfig)
    return respond(await _service(request).put_config(request.path_params["community_id"], config))


async def recompute(request: Request) -> Response:
    body = await request.body()
    run_in = await read_model(request, RecomputeRequest) if body.strip() else RecomputeRequest()
    as_of = run_in.as_of if run_in.as_of is None or run_in.as_of.tzinfo else run_in.as_of.replace(tzinfo=UTC)
    return respond(await _service(request).recompute(request.path_params["community_id"], now=as_of), 201)


async def tier_distribution(request: Request) -> Response:
    return respond(await _service(request).tier_distribution(request.path_params["community_id"]))


async def rfm_pyramid(request: Request) -> Response:
    return respond(await _service(request).rfm_pyramid(request.path_params["community_id"]))


async def list_runs(request: Request) -> Response:
    runs = await _service(request).list_runs(request.path_params["community_id"], limit=query_limit(request))
    return respond(TierRunList(runs=runs))


async def tier_history(request: Request) -> Response:
    p = request.path_params
    changes = await _service(request).tier_history(p["community_id"], p["member_id"], limit=query_limit(request))
    return respond(TierChangeList(changes=changes))


async def last_activity(request: Request) -> Response:
    at = await _service(request).last_activity_at(request.path_params["community_id"])
    return respond(LastActivity(at=at))


routes = [
    Route("/communities/{community_id}/value/config", get_config, methods=["GET"]),
    Route("/communities/{community_id}/value/config", put_config, methods=["PUT"]),
    Route("/communities/{community_id}/value/config", patch_config, methods=["PATCH"]),
    Route("/communities/{community_id}/value/runs", recompute, methods=["POST"]),
    Route("/communities/{community_id}/value/runs", list_runs, methods=["GET"]),
    Route("/communities/{community_id}/value/last-activity", last_activity, methods=["GET"]),
    Route("/communities/{community_id}/value/tiers", tier_distribution, methods=["GET"]),
    Route("/communities/{community_id}/value/pyramid", rfm_pyramid, methods=["GET"]),
    Route("/communities/{community_id}/value/members/{member_id}/tier-history", tier_history, methods=["GET"]),
]
