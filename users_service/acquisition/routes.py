"""Acquisition's HTTP API (internal: reached through `UsersClient`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from infra.service_app import parse_since, read_model, respond
from users_service.acquisition.schemas import Enrollment, ProgramCreate, ProgramList
from users_service.acquisition.service import AcquisitionService
from users_service.value.routes import query_limit


def _service(request: Request) -> AcquisitionService:
    service: AcquisitionService = request.app.state.acquisition
    return service


async def report(request: Request) -> Response:
    start = parse_since(request.query_params.get("start"), field="start")
    end = parse_since(request.query_params.get("end"), field="end")
    return respond(await _service(request).report(request.path_params["community_id"], start, end))


async def create_program(request: Request) -> Response:
    program_in = await read_model(request, ProgramCreate)
    return respond(await _service(request).create_program(request.path_params["community_id"], program_in), 201)


async def list_programs(request: Request) -> Response:
    programs = await _service(request).list_programs(request.path_params["community_id"], limit=query_limit(request))
    return respond(ProgramList(programs=programs))


async def enroll(request: Request) -> Response:
    p = request.path_params
    enrollment = await read_model(request, Enrollment)
    return respond(await _service(request).enroll(p["community_id"], p["program_id"], enrollment), 201)


_base = "/communities/{community_id}/acquisition"
routes = [
    Route(f"{_base}/report", report, methods=["GET"]),
    Route(f"{_base}/programs", create_program, methods=["POST"]),
    Route(f"{_base}/programs", list_programs, methods=["GET"]),
    Route(f"{_base}/programs/{{program_id}}/enrollments", enroll, methods=["POST"]),
]
