"""Certificates of campaign rewards: a CERTIFICATE reward's PDF, printed with the member's name."""

from __future__ import annotations

import base64

import anyio
from bson import ObjectId

from infra.cjk_font import find_cjk_font
from infra.errors import BadInputError
from infra.moments import as_utc
from users_service.domain.campaigns import RewardKind, RewardState
from users_service.schemas.campaigns import CertificatePdf
from users_service.service.campaign_rewards import RewardNotFound
from users_service.service.campaigns import CampaignsService
from users_service.service.certificate_pdf import CertificateText, render_certificate
from users_service.service.members import MembersService
from users_service.store.campaign_rewards import CampaignRewardsStore


class CertificatesService:
    def __init__(
        self,
        rewards: CampaignRewardsStore,
        campaigns: CampaignsService,
        members: MembersService,
        *,
        cjk_font: str | None,
    ) -> None:
        self.rewards = rewards
        self.campaigns = campaigns
        self.members = members
        self.cjk_font = cjk_font

    async def pdf(self, cid: ObjectId, reward_id: ObjectId, member_id: ObjectId | None) -> CertificatePdf:
        """The certificate; a member asking for another's is told it does not exist."""
        doc = await self.rewards.get_by_id(cid, reward_id)
        if doc is None or (member_id is not None and doc["member_id"] != member_id):
            raise RewardNotFound(f"no campaign reward with id {reward_id} in this community", field="rewardId")
        if doc["kind"] != RewardKind.CERTIFICATE or doc["state"] != RewardState.RELEASED:
            raise BadInputError("this reward is not a granted certificate", field="rewardId")
        campaign = await self.campaigns.get_or_raise(cid, doc["campaign_id"])
        member = await self.members.get_or_raise(cid, doc["member_id"])
        task = next(t for t in campaign["tasks"] if t["id"] == doc["task_id"])
        text = CertificateText(
            member=f"{member.display_name} (@{member.handle})",
            campaign=campaign["name"],
            theme=campaign["theme"],
            task=task["title"],
            granted_at=as_utc(doc["granted_at"]),
        )
        font = find_cjk_font(self.cjk_font)
        content = await anyio.to_thread.run_sync(render_certificate, text, font)
        return CertificatePdf(
            filename=f"certificate-{reward_id}.pdf", content_base64=base64.b64encode(content).decode()
        )
