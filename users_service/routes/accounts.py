"""Accounts over HTTP (internal: reached through `UsersClient`; the gateway checks the operator for claim codes):
claim codes, redeeming codes, password resets, mail to a member, the directory and public profiles."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from infra.route_params import community_id, path_id, path_text
from infra.service_app import read_model, respond
from users_service.domain.account_codes import CodePurpose
from users_service.routes.common import service
from users_service.schemas.accounts import ClaimCodeIssue, CodeRedemption, MemberMail, ResetRequest
from users_service.schemas.members import MemberDirectoryQuery


async def issue_claim_code(request: Request) -> Response:
    issue = await read_model(request, ClaimCodeIssue)
    return respond(await service(request).accounts.issue_claim_code(community_id(request), issue), 201)


async def claim_account(request: Request) -> Response:
    redemption = await read_model(request, CodeRedemption)
    return respond(await service(request).accounts.redeem(community_id(request), CodePurpose.CLAIM, redemption))


async def request_reset(request: Request) -> Response:
    reset = await read_model(request, ResetRequest)
    return respond(await service(request).accounts.request_reset(community_id(request), reset), 202)


async def reset_password(request: Request) -> Response:
    redemption = await read_model(request, CodeRedemption)
    return respond(await service(request).accounts.redeem(community_id(request), CodePurpose.RESET, redemption))


async def mail_member(request: Request) -> Response:
    cid, member_id = community_id(request), path_id(request, "member_id")
    mail = await read_model(request, MemberMail)
    return respond(await service(request).mail.to_member(cid, member_id, mail), 202)


async def directory(request: Request) -> Response:
    query = await read_model(request, MemberDirectoryQuery)
    page = await service(request).members.page(
        community_id(request), first=query.first, after=query.after, where=query.where
    )
    return respond(page)


async def public_profile(request: Request) -> Response:
    cid, handle = community_id(request), path_text(request, "handle")
    return respond(await service(request).members.public_profile(cid, handle))


_base = "/communities/{community_id}"
ROUTES = [
    Route(f"{_base}/accounts/claim-codes", issue_claim_code, methods=["POST"]),
    Route(f"{_base}/accounts/claim", claim_account, methods=["POST"]),
    Route(f"{_base}/accounts/reset-requests", request_reset, methods=["POST"]),
    Route(f"{_base}/accounts/reset", reset_password, methods=["POST"]),
    Route(f"{_base}/directory", directory, methods=["POST"]),
    Route(f"{_base}/profiles/{{handle}}", public_profile, methods=["GET"]),
    Route(f"{_base}/mail/members/{{member_id}}", mail_member, methods=["POST"]),
]
