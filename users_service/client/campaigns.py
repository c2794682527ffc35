"""Campaign calls of `UsersClient` (mixed into it)."""

from __future__ import annotations

from infra.http import ServiceClient
from infra.paths import community_path, segment
from users_service.schemas.campaigns import (
    CampaignCreate,
    CampaignList,
    CampaignLookupResult,
    CampaignRead,
    CampaignReport,
    CampaignRewardList,
    CampaignRewardRead,
    CertificatePdf,
    CheckInCreate,
    ParticipationRead,
    ReferralAttribute,
    ReferralLink,
    ReferralRead,
    ReleaseResult,
    RewardClawback,
    RewardFulfilmentUpdate,
    TaskClaim,
)


def _campaigns(community_id: str) -> str:
    return f"{community_path(community_id)}/campaigns"


def _campaign(community_id: str, campaign_id: str) -> str:
    return f"{_campaigns(community_id)}/{segment(campaign_id, field='campaignId')}"


def _reward(community_id: str, reward_id: str) -> str:
    return f"{community_path(community_id)}/campaign-rewards/{segment(reward_id, field='rewardId')}"


class CampaignsClientMixin(ServiceClient):
    async def create_campaign(self, community_id: str, campaign_in: CampaignCreate) -> CampaignRead:
        body = await self._call("POST", _campaigns(community_id), json=campaign_in.to_wire())
        return CampaignRead.model_validate(body)

    async def list_campaigns(self, community_id: str, *, limit: int = 20) -> list[CampaignRead]:
        body = await self._call("GET", _campaigns(community_id), params={"limit": limit})
        return CampaignList.model_validate(body).campaigns

    async def get_campaign(self, community_id: str, campaign_id: str) -> CampaignRead:
        return CampaignRead.model_validate(await self._call("GET", _campaign(community_id, campaign_id)))

    async def lookup_campaigns(self, community_id: str, campaign_ids: list[str]) -> list[CampaignRead | None]:
        """Each campaign in the order asked; None where the community has none with that id."""
        body = await self._call("POST", f"{_campaigns(community_id)}/lookup", json={"ids": campaign_ids})
        return CampaignLookupResult.model_validate(body).campaigns

    async def campaign_check_in(
        self, community_id: str, campaign_id: str, check_in_in: CheckInCreate
    ) -> ParticipationRead:
        path = f"{_campaign(community_id, campaign_id)}/check-ins"
        return ParticipationRead.model_validate(await self._call("POST", path, json=check_in_in.to_wire()))

    async def campaign_participation(self, community_id: str, campaign_id: str, member_id: str) -> ParticipationRead:
        path = f"{_campaign(community_id, campaign_id)}/participants/{segment(member_id, field='memberId')}"
        return ParticipationRead.model_validate(await self._call("GET", path))

    async def claim_campaign_task(self, community_id: str, campaign_id: str, claim: TaskClaim) -> CampaignRewardRead:
        """The task's reward once the records show it done; the same (member, task) answers the same reward."""
        path = f"{_campaign(community_id, campaign_id)}/claims"
        return CampaignRewardRead.model_validate(await self._call("POST", path, json=claim.to_wire()))

    async def release_campaign_rewards(self, community_id: str, campaign_id: str) -> ReleaseResult:
        path = f"{_campaign(community_id, campaign_id)}/release"
        return ReleaseResult.model_validate(await self._call("POST", path, json={}))

    async def campaign_report(self, community_id: str, campaign_id: str) -> CampaignReport:
        path = f"{_campaign(community_id, campaign_id)}/report"
        return CampaignReport.model_validate(await self._call("GET", path))

    async def campaign_referral_link(self, community_id: str, campaign_id: str, member_id: str) -> ReferralLink:
        path = (
            f"{_campaign(community_id, campaign_id)}/participants/{segment(member_id, field='memberId')}/referral-link"
        )
        return ReferralLink.model_validate(await self._call("GET", path))

    async def attribute_campaign_referral(self, community_id: str, attribution: ReferralAttribute) -> ReferralRead:
        path = f"{_campaigns(community_id)}/referrals"
        return ReferralRead.model_validate(await self._call("POST", path, json=attribution.to_wire()))

    async def member_campaign_rewards(
        self, community_id: str, member_id: str, *, campaign_id: str | None = None, limit: int = 20
    ) -> list[CampaignRewardRead]:
        path = f"{community_path(community_id)}/members/{segment(member_id, field='memberId')}/campaign-rewards"
        params: dict[str, str | int] = {"limit": limit}
        if campaign_id:
            params["campaignId"] = segment(campaign_id, field="campaignId")
        return CampaignRewardList.model_validate(await self._call("GET", path, params=params)).rewards

    async def get_campaign_reward(self, community_id: str, reward_id: str) -> CampaignRewardRead:
        return CampaignRewardRead.model_validate(await self._call("GET", _reward(community_id, reward_id)))

    async def clawback_campaign_reward(
        self, community_id: str, reward_id: str, clawback: RewardClawback
    ) -> CampaignRewardRead:
        path = f"{_reward(community_id, reward_id)}/clawback"
        return CampaignRewardRead.model_validate(await self._call("POST", path, json=clawback.to_wire()))

    async def fulfil_campaign_reward(
        self, community_id: str, reward_id: str, update: RewardFulfilmentUpdate
    ) -> CampaignRewardRead:
        path = f"{_reward(community_id, reward_id)}/fulfilment"
        return CampaignRewardRead.model_validate(await self._call("POST", path, json=update.to_wire()))

    async def campaign_certificate(
        self, community_id: str, reward_id: str, member_id: str | None = None
    ) -> CertificatePdf:
        """A CERTIFICATE reward's PDF; with `member_id`, NOT_FOUND unless the reward is that member's."""
        params = {"memberId": segment(member_id, field="memberId")} if member_id else None
        body = await self._call("GET", f"{_reward(community_id, reward_id)}/certificate", params=params)
        return CertificatePdf.model_validate(body)
