"""Member value over HTTP: settings, tier runs, distribution and pyramid (internal: reached through `UsersClient`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from infra.errors import BadInputError
from infra.moments import as_utc
from infra.route_params import community_id, path_id
from infra.service_app import read_json, read_model, respond
from users_service.routes.common import query_limit, service
from users_service.schemas.value import LastActivity, RecomputeRequest, TierChangeList, TierRunList


async def get_config(request: Request) -> Response:
    return respond(await service(request).value.get_config(community_id(request)))


async def patch_config(request: Request) -> Response:
    cid = community_id(request)
    changes = await read_json(request)
    if not isinstance(changes, dict):
        raise BadInputError("the body must be an object of the fields to change")
    return respond(await service(request).value.update_config(cid, changes))


async def recompute(request: Request) -> Response:
    cid = community_id(request)
    body = await request.body()
    run_in = await read_model(request, RecomputeRequest) if body.strip() else RecomputeRequest()
    as_of = None if run_in.as_of is None else as_utc(run_in.as_of)
    return respond(await service(request).value.recompute(cid, now=as_of), 201)


async def tier_distribution(request: Request) -> Response:
    return respond(await service(request).value.tier_distribution(community_id(request)))


async def rfm_pyramid(request: Request) -> Response:
    return respond(await service(request).value.rfm_pyramid(community_id(request)))


async def treatments(request: Request) -> Response:
    return respond(await service(request).value.treatments(community_id(request)))


async def list_runs(request: Request) -> Response:
    runs = await service(request).value.list_runs(community_id(request), limit=query_limit(request))
    return respond(TierRunList(runs=runs))


async def tier_history(request: Request) -> Response:
    cid, member_id = community_id(request), path_id(request, "member_id")
    changes = await service(request).value.tier_history(cid, member_id, limit=query_limit(request))
    return respond(TierChangeList(changes=changes))


async def last_activity(request: Request) -> Response:
    return respond(LastActivity(at=await service(request).value.last_activity_at(community_id(request))))


_base = "/communities/{community_id}/value"
ROUTES = [
    Route(f"{_base}/config", get_config, methods=["GET"]),
    Route(f"{_base}/config", patch_config, methods=["PATCH"]),
    Route(f"{_base}/runs", recompute, methods=["POST"]),
    Route(f"{_base}/runs", list_runs, methods=["GET"]),
    Route(f"{_base}/last-activity", last_activity, methods=["GET"]),
    Route(f"{_base}/tiers", tier_distribution, methods=["GET"]),
    Route(f"{_base}/pyramid", rfm_pyramid, methods=["GET"]),
    Route(f"{_base}/treatments", treatments, methods=["GET"]),
    Route(f"{_base}/members/{{member_id}}/tier-history", tier_history, methods=["GET"]),
]
