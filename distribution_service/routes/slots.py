"""Golden slots: one run, who a run reaches, rates per slot, members' push preferences and inbox."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from distribution_service.routes.base import C, int_param, service
from distribution_service.schemas import PushPreferencesUpdate, SlotRunRequest
from infra.errors import BadInputError
from infra.route_params import community_id, path_id
from infra.service_app import read_model, respond


async def run_slot(request: Request) -> Response:
    cid = community_id(request)
    run = await read_model(request, SlotRunRequest)
    return respond(await service(request).slots.run_slot(cid, run))


async def slot_members(request: Request) -> Response:
    cid = community_id(request)
    index, count = int_param(request, "partition", 0), int_param(request, "partitions", 1)
    if not 0 <= index < count:
        raise BadInputError("partition must be in 0..partitions-1", field="partition")
    return respond(await service(request).slots.slot_members(cid, partition_index=index, partitions=count))


async def slot_rates(request: Request) -> Response:
    return respond(await service(request).slots.slot_rates(community_id(request)))


async def set_push_preferences(request: Request) -> Response:
    cid = community_id(request)
    update = await read_model(request, PushPreferencesUpdate)
    return respond(await service(request).slots.set_push_preferences(cid, update))


async def inbox(request: Request) -> Response:
    cid, member_id = community_id(request), path_id(request, "member_id")
    first = max(1, min(int_param(request, "first", 20), 100))
    return respond(await service(request).slots.inbox(cid, member_id, first))


ROUTES = [
    Route(f"{C}/slots/run", run_slot, methods=["POST"]),
    Route(f"{C}/slots/rates", slot_rates, methods=["GET"]),
    Route(f"{C}/slots/members", slot_members, methods=["GET"]),
    Route(f"{C}/push-preferences", set_push_preferences, methods=["PUT"]),
    Route(f"{C}/members/{{member_id}}/inbox", inbox, methods=["GET"]),
]
