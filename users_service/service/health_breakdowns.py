"""The breakdowns of a snapshot: member-level figures from distribution (engagement), billing (payments) and
this service (NPS answers), grouped by each member's tier, RFM layer and channel at the snapshot."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from bson import ObjectId

from users_service.domain.health.breakdowns import (
    BreakdownDimension,
    breakdown_values,
    flags,
    merge,
    segment_figures,
)
from users_service.domain.health.catalog import BREAKDOWNS, BY_KEY
from users_service.domain.nps import DETRACTOR_MAX, PROMOTER_MIN
from users_service.service.upstreams import Upstreams
from users_service.service.voice import VoiceService
from users_service.store.members import MembersStore

NPS_WINDOW = timedelta(days=90)
SEGMENT_FIELDS = {
    BreakdownDimension.TIER: "tier",
    BreakdownDimension.RFM_LAYER: "rfm_layer",
    BreakdownDimension.CHANNEL: "channel",
}
# Stored per snapshot as {key: {dimension: [{"segment", "value", "members"}]}}.
Breakdowns = dict[str, dict[str, list[dict[str, Any]]]]


class HealthBreakdownsService:
    def __init__(self, members: MembersStore, voice: VoiceService, upstreams: Upstreams) -> None:
        self.members = members
        self.voice = voice
        self.upstreams = upstreams

    async def breakdowns(self, cid: ObjectId, as_of: datetime) -> Breakdowns:
        per_member = await self.member_figures(cid, as_of)
        ids = [ObjectId(m) for m in per_member]
        found = await self.members.list_segments(cid, ids)
        segments = {m: {d: doc[field] for d, field in SEGMENT_FIELDS.items()} for m, doc in found.items()}
        sums = segment_figures(per_member, segments)
        out: Breakdowns = {}
        for key, breakdown in BREAKDOWNS.items():
            values = breakdown_values(BY_KEY[key].compute, breakdown, sums)
            out[key] = {
                d.value: [{"segment": v.segment, "value": v.value, "members": v.members} for v in rows]
                for d, rows in values.items()
            }
        return out

    async def member_figures(self, cid: ObjectId, as_of: datetime) -> dict[str, dict[str, float]]:
        """Member id → the member-level figures (breakdowns.MEMBER_FIGURES) as of `as_of`."""
        community_id = str(cid)
        engagement, payments, answers = await asyncio.gather(
            self.upstreams.distribution.engagement_by_member(community_id, as_of),
            self.upstreams.billing.payments_by_member(community_id, as_of),
            self.voice.responses_since(cid, as_of - NPS_WINDOW),
        )
        engaged = {
            row.member_id: {
                "member_days": float(row.days),
                "engagement_events": float(row.events),
                **flags(
                    ("mau", row.engaged), ("mau_previous", row.previous), ("retained", row.engaged and row.previous)
                ),
            }
            for row in engagement.items
        }
        paid = {
            row.member_id: {
                "sales": float(row.sales),
                "sales_cents": float(row.sales_cents),
                **flags(
                    ("payers", row.sales > 0),
                    ("payers_previous", row.previous),
                    ("repeat_payers", row.sales > 0 and row.previous),
                ),
            }
            for row in payments.items
        }
        voiced: dict[str, dict[str, float]] = {}
        for answer in answers:
            voice = voiced.setdefault(answer.member_id, {})
            counted = flags(
                ("nps_responses", True),
                ("nps_promoters", answer.score >= PROMOTER_MIN),
                ("nps_detractors", answer.score <= DETRACTOR_MAX),
            )
            for name, value in counted.items():
                voice[name] = voice.get(name, 0.0) + value
        return merge((engaged, paid, voiced))
