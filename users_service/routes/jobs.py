"""Background jobs over HTTP: start a tier run or an LTV training (202 with the job), read a job."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from infra.moments import as_utc
from infra.route_params import community_id, path_id
from infra.service_app import read_model, respond
from users_service.routes.common import service
from users_service.schemas.ltv import LtvTrain
from users_service.schemas.value import RecomputeRequest


async def start_tier_run(request: Request) -> Response:
    cid = community_id(request)
    body = await request.body()
    run_in = await read_model(request, RecomputeRequest) if body.strip() else RecomputeRequest()
    as_of = None if run_in.as_of is None else as_utc(run_in.as_of)
    return respond(await service(request).jobs.start_tier_run(cid, as_of), 202)


async def start_ltv_training(request: Request) -> Response:
    cid = community_id(request)
    train_in = await read_model(request, LtvTrain)
    return respond(await service(request).jobs.start_ltv_training(cid, train_in), 202)


async def get_job(request: Request) -> Response:
    return respond(await service(request).jobs.get(community_id(request), path_id(request, "job_id")))


_base = "/communities/{community_id}/jobs"
ROUTES = [
    Route(f"{_base}/tier-runs", start_tier_run, methods=["POST"]),
    Route(f"{_base}/ltv-trainings", start_ltv_training, methods=["POST"]),
    Route(f"{_base}/{{job_id}}", get_job, methods=["GET"]),
]
