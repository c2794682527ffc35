"""Governance over HTTP: committee, expert panel, proposals (internal: reached through `UsersClient`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from infra.errors import BadInputError
from infra.route_params import community_id, path_id
from infra.service_app import read_model, respond
from users_service.domain.proposals import ProposalStatus
from users_service.routes.common import query_limit, service
from users_service.schemas.governance import (
    MemberList,
    ProposalCreate,
    ProposalDecision,
    ProposalFeedback,
    ProposalList,
    ProposalReview,
)


async def overview(request: Request) -> Response:
    return respond(await service(request).governance.overview(community_id(request)))


async def committee(request: Request) -> Response:
    members = await service(request).governance.committee(community_id(request), limit=query_limit(request))
    return respond(MemberList(members=members))


async def expert_panel(request: Request) -> Response:
    members = await service(request).governance.expert_panel(community_id(request), limit=query_limit(request))
    return respond(MemberList(members=members))


async def submit(request: Request) -> Response:
    proposal_in = await read_model(request, ProposalCreate)
    return respond(await service(request).governance.submit(community_id(request), proposal_in), 201)


async def list_proposals(request: Request) -> Response:
    cid = community_id(request)
    status = request.query_params.get("status")
    if status and status not in ProposalStatus.__members__:
        raise BadInputError(f"status: not one of {', '.join(ProposalStatus)}", field="status")
    wanted = ProposalStatus(status) if status else None
    proposals = await service(request).governance.list_proposals(cid, wanted, limit=query_limit(request))
    return respond(ProposalList(proposals=proposals))


async def review(request: Request) -> Response:
    cid, proposal_id = community_id(request), path_id(request, "proposal_id")
    review_in = await read_model(request, ProposalReview)
    return respond(await service(request).governance.review(cid, proposal_id, review_in))


async def decide(request: Request) -> Response:
    cid, proposal_id = community_id(request), path_id(request, "proposal_id")
    decision_in = await read_model(request, ProposalDecision)
    return respond(await service(request).governance.decide(cid, proposal_id, decision_in))


async def feedback(request: Request) -> Response:
    cid, proposal_id = community_id(request), path_id(request, "proposal_id")
    feedback_in = await read_model(request, ProposalFeedback)
    return respond(await service(request).governance.feedback(cid, proposal_id, feedback_in))


_base = "/communities/{community_id}/governance"
ROUTES = [
    Route(_base, overview, methods=["GET"]),
    Route(f"{_base}/committee", committee, methods=["GET"]),
    Route(f"{_base}/expert-panel", expert_panel, methods=["GET"]),
    Route(f"{_base}/proposals", submit, methods=["POST"]),
    Route(f"{_base}/proposals", list_proposals, methods=["GET"]),
    Route(f"{_base}/proposals/{{proposal_id}}/review", review, methods=["POST"]),
    Route(f"{_base}/proposals/{{proposal_id}}/decision", decide, methods=["POST"]),
    Route(f"{_base}/proposals/{{proposal_id}}/feedback", feedback, methods=["POST"]),
]
