"""Every figure the health indicators need: three aggregate calls to the other services, and this service's own.

Each service aggregates over its own collections (distribution: events and deliveries; content: pieces,
moderation and crisis; billing: the ledger and subscriptions); here only counts and ratios are merged.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from bson import ObjectId

from users_service.domain.tiers import Tier
from users_service.service.acquisition import AcquisitionService
from users_service.service.communities import CommunitiesService
from users_service.service.governance import GovernanceService
from users_service.service.stage import CORE_GROUP, KOC_LIKE
from users_service.service.upstreams import Upstreams
from users_service.service.value import ValueService
from users_service.service.voice import VoiceService
from users_service.store.members import MembersStore

WINDOW = timedelta(days=30)
NPS_WINDOW = timedelta(days=90)


class HealthFiguresService:
    def __init__(
        self,
        communities: CommunitiesService,
        members: MembersStore,
        value: ValueService,
        voice: VoiceService,
        governance: GovernanceService,
        acquisition: AcquisitionService,
        upstreams: Upstreams,
    ) -> None:
        self.communities = communities
        self.members = members
        self.value = value
        self.voice = voice
        self.governance = governance
        self.acquisition = acquisition
        self.upstreams = upstreams

    async def figures(self, cid: ObjectId, as_of: datetime) -> dict[str, float | None]:
        """All figures as of `as_of`, by the names the indicator formulas read (docs/health-indicators.md)."""
        community_id = str(cid)
        up = self.upstreams
        engagement, content, commerce = await asyncio.gather(
            up.distribution.engagement_figures(community_id, as_of),
            up.content.content_figures(community_id, as_of),
            up.billing.commerce_figures(community_id, as_of),
        )
        figures: dict[str, float | None] = {}
        for part in (engagement, content, commerce):
            figures.update(part.model_dump(exclude={"as_of"}))
        figures.update(await self.own(cid, as_of))
        return figures

    async def own(self, cid: ObjectId, as_of: datetime) -> dict[str, float | None]:
        """Members, tiers, layers, NPS, acquisition spend and governance, from this service's collections."""
        start = as_of - WINDOW
        tiers, _ = await self.value.current_counts(cid, "tier")
        layers, _ = await self.value.current_counts(cid, "layer")
        joined = sum((await self.members.count_joined_since(cid, start, "tier")).values())
        members = sum(tiers.values())
        nps = (await self.voice.report(cid, None, as_of - NPS_WINDOW)).overall
        governance = await self.governance.overview(cid)
        acquired = await self.acquisition.report(cid, start, as_of)
        return {
            "members": members,
            "members_at_start": members - joined,
            "joined": joined,
            "koc": sum(tiers.get(t.value, 0) for t in KOC_LIKE),
            "core_group": sum(tiers.get(t.value, 0) for t in CORE_GROUP),
            "active_contributors": tiers.get(Tier.ACTIVE_CONTRIBUTOR.value, 0),
            "layer_base": layers.get("BASE", 0),
            "layer_activated": layers.get("ACTIVATED", 0),
            "layer_core": layers.get("CORE", 0),
            "nps_responses": nps.responses,
            "nps_promoters": nps.promoters,
            "nps_detractors": nps.detractors,
            "spend_cents": acquired.spend_cents,
            "cac_cents": acquired.cac_cents,
            "committee": governance.committee_size,
            "expert_panel": governance.expert_panel_size,
            "proposal_adoption": governance.adoption_rate,
            "sub_communities": await self.communities.count_sub_communities(cid),
        }
