"""Acquisition over HTTP: spend, the CAC report and trial programs (internal: reached through `UsersClient`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from infra.route_params import community_id, path_id
from infra.service_app import parse_since, read_model, respond
from users_service.routes.common import query_limit, service
from users_service.schemas.acquisition import Enrollment, ProgramCreate, ProgramList, SpendCreate


async def record_spend(request: Request) -> Response:
    spend_in = await read_model(request, SpendCreate)
    return respond(await service(request).acquisition.record_spend(community_id(request), spend_in), 201)


async def spend(request: Request) -> Response:
    cid = community_id(request)
    start = parse_since(request.query_params.get("start"), field="start")
    end = parse_since(request.query_params.get("end"), field="end")
    return respond(await service(request).acquisition.spend(cid, start, end))


async def report(request: Request) -> Response:
    cid = community_id(request)
    start = parse_since(request.query_params.get("start"), field="start")
    end = parse_since(request.query_params.get("end"), field="end")
    return respond(await service(request).acquisition.report(cid, start, end))


async def create_program(request: Request) -> Response:
    program_in = await read_model(request, ProgramCreate)
    return respond(await service(request).acquisition.create_program(community_id(request), program_in), 201)


async def list_programs(request: Request) -> Response:
    programs = await service(request).acquisition.list_programs(community_id(request), limit=query_limit(request))
    return respond(ProgramList(programs=programs))


async def enroll(request: Request) -> Response:
    cid, program_id = community_id(request), path_id(request, "program_id")
    enrollment = await read_model(request, Enrollment)
    return respond(await service(request).acquisition.enroll(cid, program_id, enrollment), 201)


_base = "/communities/{community_id}/acquisition"
ROUTES = [
    Route(f"{_base}/spend", record_spend, methods=["POST"]),
    Route(f"{_base}/spend", spend, methods=["GET"]),
    Route(f"{_base}/report", report, methods=["GET"]),
    Route(f"{_base}/programs", create_program, methods=["POST"]),
    Route(f"{_base}/programs", list_programs, methods=["GET"]),
    Route(f"{_base}/programs/{{program_id}}/enrollments", enroll, methods=["POST"]),
]
