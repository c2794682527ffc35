"""Campaigns over HTTP: campaigns, check-ins, task claims, rewards, referrals, the report (through `UsersClient`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from infra.route_params import community_id, path_id
from infra.service_app import read_model, respond
from users_service.routes.common import query_id, query_limit, service
from users_service.schemas.campaigns import (
    CampaignCreate,
    CampaignList,
    CampaignLookup,
    CampaignLookupResult,
    CampaignRewardList,
    CheckInCreate,
    ReferralAttribute,
    RewardClawback,
    RewardFulfilmentUpdate,
    TaskClaim,
)


async def create(request: Request) -> Response:
    campaign_in = await read_model(request, CampaignCreate)
    return respond(await service(request).campaigns.create(community_id(request), campaign_in), 201)


async def list_campaigns(request: Request) -> Response:
    campaigns = await service(request).campaigns.list(community_id(request), limit=query_limit(request))
    return respond(CampaignList(campaigns=campaigns))


async def lookup(request: Request) -> Response:
    ids = (await read_model(request, CampaignLookup)).ids
    return respond(CampaignLookupResult(campaigns=await service(request).campaigns.lookup(community_id(request), ids)))


async def get(request: Request) -> Response:
    return respond(await service(request).campaigns.get(community_id(request), path_id(request, "campaign_id")))


async def check_in(request: Request) -> Response:
    cid, campaign_id = community_id(request), path_id(request, "campaign_id")
    check_in_in = await read_model(request, CheckInCreate)
    return respond(await service(request).campaigns.check_in(cid, campaign_id, check_in_in))


async def participation(request: Request) -> Response:
    cid, campaign_id = community_id(request), path_id(request, "campaign_id")
    member = path_id(request, "member_id")
    return respond(await service(request).campaigns.participation(cid, campaign_id, member))


async def claim(request: Request) -> Response:
    cid, campaign_id = community_id(request), path_id(request, "campaign_id")
    claim_in = await read_model(request, TaskClaim)
    return respond(await service(request).campaign_rewards.claim(cid, campaign_id, claim_in))


async def release_due(request: Request) -> Response:
    cid, campaign_id = community_id(request), path_id(request, "campaign_id")
    return respond(await service(request).campaign_rewards.release_due(cid, campaign_id))


async def report(request: Request) -> Response:
    cid, campaign_id = community_id(request), path_id(request, "campaign_id")
    return respond(await service(request).campaign_report.report(cid, campaign_id))


async def referral_link(request: Request) -> Response:
    cid, campaign_id = community_id(request), path_id(request, "campaign_id")
    member = path_id(request, "member_id")
    return respond(await service(request).campaign_referrals.link(cid, campaign_id, member))


async def attribute(request: Request) -> Response:
    attribution = await read_model(request, ReferralAttribute)
    return respond(await service(request).campaign_referrals.attribute(community_id(request), attribution), 201)


async def member_rewards(request: Request) -> Response:
    cid, member = community_id(request), path_id(request, "member_id")
    rewards = await service(request).campaign_rewards.list_for_member(
        cid, member, query_id(request, "campaignId"), limit=query_limit(request)
    )
    return respond(CampaignRewardList(rewards=rewards))


async def get_reward(request: Request) -> Response:
    cid, reward = community_id(request), path_id(request, "reward_id")
    return respond(await service(request).campaign_rewards.get(cid, reward))


async def certificate(request: Request) -> Response:
    cid, reward = community_id(request), path_id(request, "reward_id")
    return respond(await service(request).certificates.pdf(cid, reward, query_id(request, "memberId")))


async def clawback(request: Request) -> Response:
    cid, reward = community_id(request), path_id(request, "reward_id")
    clawback_in = await read_model(request, RewardClawback)
    return respond(await service(request).campaign_rewards.clawback(cid, reward, clawback_in))


async def fulfil(request: Request) -> Response:
    cid, reward = community_id(request), path_id(request, "reward_id")
    update = await read_model(request, RewardFulfilmentUpdate)
    return respond(await service(request).campaign_rewards.fulfil(cid, reward, update))


_base = "/communities/{community_id}/campaigns"
_one = _base + "/{campaign_id}"
_rewards = "/communities/{community_id}/campaign-rewards/{reward_id}"
ROUTES = [
    Route(_base, create, methods=["POST"]),
    Route(_base, list_campaigns, methods=["GET"]),
    Route(f"{_base}/referrals", attribute, methods=["POST"]),
    Route(f"{_base}/lookup", lookup, methods=["POST"]),
    Route(_one, get, methods=["GET"]),
    Route(f"{_one}/check-ins", check_in, methods=["POST"]),
    Route(f"{_one}/participants/{{member_id}}", participation, methods=["GET"]),
    Route(f"{_one}/participants/{{member_id}}/referral-link", referral_link, methods=["GET"]),
    Route(f"{_one}/claims", claim, methods=["POST"]),
    Route(f"{_one}/release", release_due, methods=["POST"]),
    Route(f"{_one}/report", report, methods=["GET"]),
    Route("/communities/{community_id}/members/{member_id}/campaign-rewards", member_rewards, methods=["GET"]),
    Route(_rewards, get_reward, methods=["GET"]),
    Route(f"{_rewards}/certificate", certificate, methods=["GET"]),
    Route(f"{_rewards}/clawback", clawback, methods=["POST"]),
    Route(f"{_rewards}/fulfilment", fulfil, methods=["POST"]),
]
