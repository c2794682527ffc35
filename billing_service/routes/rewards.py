"""Campaign cash rewards: grant, release, clawback, a member's reward balance (internal: through `BillingClient`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from billing_service import schemas as s
from billing_service.routes.base import C, body_route, service
from infra.route_params import community_id, path_id
from infra.service_app import respond


async def balance(request: Request) -> Response:
    cid, member = community_id(request), path_id(request, "member_id")
    return respond(await service(request).rewards.balance(cid, member))


ROUTES = [
    body_route(f"{C}/rewards", s.RewardGrant, lambda svc, c, p: svc.rewards.grant(c, p), name="grant_reward"),
    body_route(
        f"{C}/rewards/release", s.RewardMove, lambda svc, c, p: svc.rewards.release(c, p), name="release_reward"
    ),
    body_route(
        f"{C}/rewards/clawback", s.RewardMove, lambda svc, c, p: svc.rewards.clawback(c, p), name="clawback_reward"
    ),
    Route(f"{C}/members/{{member_id}}/reward-balance", balance, methods=["GET"]),
]
