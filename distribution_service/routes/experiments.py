"""Experiments over HTTP: design and steering, a member's arms and flags, the readout, guardrails, power, and
the results database."""

from __future__ import annotations

from bson import ObjectId
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from distribution_service.domain.experiment_enums import ExperimentStatus, ExportFormat
from distribution_service.domain.experiment_stats import power_plan
from distribution_service.routes.base import C, service
from distribution_service.schemas.experiments import (
    AssignmentRequest,
    ExperimentCreate,
    ExperimentFinish,
    PowerPlan,
    PowerRequest,
    RolloutUpdate,
    WeightsUpdate,
)
from infra.errors import BadInputError
from infra.route_params import community_id, path_id
from infra.service_app import read_model, respond

E = C + "/experiments/{experiment_id}"


def _experiment(request: Request) -> tuple[ObjectId, ObjectId]:
    return community_id(request), path_id(request, "experiment_id", field="id")


async def create(request: Request) -> Response:
    cid = community_id(request)
    spec = await read_model(request, ExperimentCreate)
    return respond(await service(request).experiment_design.create(cid, spec), 201)


async def list_experiments(request: Request) -> Response:
    cid = community_id(request)
    raw = request.query_params.get("status")
    try:
        status = ExperimentStatus(raw) if raw else None
    except ValueError as exc:
        raise BadInputError("unknown status", field="status") from exc
    return respond(await service(request).experiment_design.list(cid, status))


async def get(request: Request) -> Response:
    cid, eid = _experiment(request)
    return respond(await service(request).experiment_design.get(cid, eid))


async def start(request: Request) -> Response:
    cid, eid = _experiment(request)
    return respond(await service(request).experiment_design.start(cid, eid))


async def stop(request: Request) -> Response:
    cid, eid = _experiment(request)
    return respond(await service(request).experiment_design.stop(cid, eid))


async def rollout(request: Request) -> Response:
    cid, eid = _experiment(request)
    update = await read_model(request, RolloutUpdate)
    return respond(await service(request).experiment_design.set_rollout(cid, eid, update))


async def weights(request: Request) -> Response:
    cid, eid = _experiment(request)
    update = await read_model(request, WeightsUpdate)
    return respond(await service(request).experiment_design.set_weights(cid, eid, update))


async def analysis(request: Request) -> Response:
    cid, eid = _experiment(request)
    return respond(await service(request).analysis.analyse(cid, eid))


async def guardrails(request: Request) -> Response:
    cid, eid = _experiment(request)
    return respond(await service(request).gray_release.check(cid, eid))


async def finish(request: Request) -> Response:
    cid, eid = _experiment(request)
    body = await read_model(request, ExperimentFinish)
    return respond(await service(request).results.finish(cid, eid, body))


async def results(request: Request) -> Response:
    return respond(await service(request).results.list(community_id(request)))


async def export(request: Request) -> Response:
    cid = community_id(request)
    try:
        fmt = ExportFormat(request.query_params.get("format", "JSON"))
    except ValueError as exc:
        raise BadInputError("format must be CSV or JSON", field="format") from exc
    return respond(await service(request).results.export(cid, fmt))


async def member_arms(request: Request) -> Response:
    cid = community_id(request)
    body = await read_model(request, AssignmentRequest)
    return respond(await service(request).assignment.member_arms(cid, ObjectId(body.member_id), body.channel))


async def flags(request: Request) -> Response:
    cid, member_id = community_id(request), path_id(request, "member_id")
    return respond(await service(request).assignment.flags(cid, member_id))


async def power(request: Request) -> Response:
    body = await read_model(request, PowerRequest)
    plan = power_plan(body.baseline, body.sd, body.mde_relative, arms=body.arms, alpha=body.alpha, power=body.power)
    return respond(PowerPlan.model_validate(plan))


ROUTES = [
    Route(C + "/experiments", create, methods=["POST"]),
    Route(C + "/experiments", list_experiments, methods=["GET"]),
    Route(C + "/experiment-results", results, methods=["GET"]),
    Route(C + "/experiment-results/export", export, methods=["GET"]),
    Route(C + "/experiment-assignments", member_arms, methods=["POST"]),
    Route(C + "/experiment-power", power, methods=["POST"]),
    Route(C + "/members/{member_id}/experiment-flags", flags, methods=["GET"]),
    Route(E, get, methods=["GET"]),
    Route(E + "/start", start, methods=["POST"]),
    Route(E + "/stop", stop, methods=["POST"]),
    Route(E + "/rollout", rollout, methods=["POST"]),
    Route(E + "/weights", weights, methods=["POST"]),
    Route(E + "/analysis", analysis, methods=["GET"]),
    Route(E + "/guardrails", guardrails, methods=["POST"]),
    Route(E + "/finish", finish, methods=["POST"]),
]
