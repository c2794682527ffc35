"""Referral links: a signed code per (campaign, referrer); a new member who came through it is attributed once.

The referrer's INVITE task counts these attributions, and its cash reward is held for the campaign's holding
period like any other, so a referral that turns out fraudulent can be clawed back before it is released.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId

from infra.errors import BadInputError
from infra.moments import as_utc
from users_service.domain.referral_codes import make_code, read_code
from users_service.schemas.campaigns import ReferralAttribute, ReferralLink, ReferralRead
from users_service.service.campaigns import CampaignsService, running
from users_service.service.members import MembersService
from users_service.store.campaigns import CampaignsStore


class CampaignReferralsService:
    def __init__(
        self, store: CampaignsStore, campaigns: CampaignsService, members: MembersService, *, secret: bytes
    ) -> None:
        self.store = store
        self.campaigns = campaigns
        self.members = members
        self.secret = secret

    async def link(self, cid: ObjectId, campaign_id: ObjectId, member_id: ObjectId) -> ReferralLink:
        await self.campaigns.get_or_raise(cid, campaign_id)
        member = await self.members.get_or_raise(cid, member_id)
        code = make_code(self.secret, campaign_id, ObjectId(member.id))
        return ReferralLink(campaign_id=str(campaign_id), member_id=member.id, code=code)

    async def attribute(self, cid: ObjectId, attribution: ReferralAttribute) -> ReferralRead:
        """Attribute a member who joined during the campaign to the code's referrer (not to themselves)."""
        decoded = read_code(self.secret, attribution.code)
        if decoded is None:
            raise BadInputError("not a referral code of this platform", field="code")
        campaign_id, referrer_id = decoded
        campaign = await self.campaigns.get_or_raise(cid, campaign_id)
        member = await self.members.get_or_raise(cid, ObjectId(attribution.member_id))
        await self.members.get_or_raise(cid, referrer_id, field="code")
        if ObjectId(member.id) == referrer_id:
            raise BadInputError("a member cannot refer themselves", field="code")
        if not running(campaign, datetime.now(UTC)):
            raise BadInputError("the campaign is not running now", field="code")
        if as_utc(member.joined_at) < as_utc(campaign["starts_at"]):
            raise BadInputError("only members who joined during the campaign can be referred", field="memberId")
        doc = await self.store.attribute(cid, campaign_id, referrer_id, ObjectId(member.id))
        return ReferralRead(
            campaign_id=str(campaign_id),
            referrer_id=str(referrer_id),
            member_id=member.id,
            attributed_at=doc["attributed_at"],
        )
