"""Governance's HTTP API (internal: reached through `UsersClient`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from infra.errors import BadInputError
from infra.service_app import read_model, respond
from users_service.governance.proposals import ProposalStatus
from users_service.governance.schemas import (
    MemberList,
    ProposalCreate,
    ProposalDecision,
    ProposalFeedback,
    ProposalList,
    ProposalReview,
)
from users_service.governance.service import GovernanceService
from users_service.value.routes import query_limit


def _service(request: Request) -> GovernanceService:
    service: GovernanceService = request.app.state.governance
    return service


async def overview(request: Request) -> Response:
    return respond(await _service(request).overview(request.path_params["community_id"]))


async def committee(request: Request) -> Response:
    members = await _service(request).committee(request.path_params["community_id"], limit=query_limit(request))
    return respond(MemberList(members=members))


async def expert_panel(request: Request) -> Response:
    members = await _service(request).expert_panel(request.path_params["community_id"], limit=query_limit(request))
    return respond(MemberList(members=members))


async def submit(request: Request) -> Response:
    proposal_in = await read_model(request, ProposalCreate)
    return respond(await _service(request).submit(request.path_params["community_id"], proposal_in), 201)


async def list_proposals(request: Request) -> Response:
    status = request.query_params.get("status")
    if status and status not in ProposalStatus.__members__:
        raise BadInputError(f"status: not one of {', '.join(ProposalStatus)}", field="status")
    proposals = await _service(request).list_proposals(
        request.path_params["community_id"], status, limit=query_limit(request)
    )
    return respond(ProposalList(proposals=proposals))


async def review(request: Request) -> Response:
    p = request.path_params
    review_in = await read_model(request, ProposalReview)
    return respond(await _service(request).review(p["community_id"], p["proposal_id"], review_in))


async def decide(request: Request) -> Response:
    p = request.path_params
    decision_in = await read_model(request, ProposalDecision)
    return respond(await _service(request).decide(p["community_id"], p["proposal_id"], decision_in))


async def feedback(request: Request) -> Response:
    p = request.path_params
    feedback_in = await read_model(request, ProposalFeedback)
    return respond(await _service(request).feedback(p["community_id"], p["proposal_id"], feedback_in))


_base = "/communities/{community_id}/governance"
routes = [
    Route(_base, overview, methods=["GET"]),
    Route(f"{_base}/committee", committee, methods=["GET"]),
    Route(f"{_base}/expert-panel", expert_panel, methods=["GET"]),
    Route(f"{_base}/proposals", submit, methods=["POST"]),
    Route(f"{_base}/proposals", list_proposals, methods=["GET"]),
    Route(f"{_base}/proposals/{{proposal_id}}/review", review, methods=["POST"]),
    Route(f"{_base}/proposals/{{proposal_id}}/decision", decide, methods=["POST"]),
    Route(f"{_base}/proposals/{{proposal_id}}/feedback", feedback, methods=["POST"]),
]
