"""Object types of moderation: complaints, flags and why a piece was auto-hidden."""

from __future__ import annotations

from datetime import datetime

import strawberry

from content_service.schemas import (
    ComplaintRead,
)
from gateway.context import Info
from gateway.graphql.content.enums import (
    ComplaintCategory,
    ComplaintStatus,
    ComplaintTargetType,
)
from gateway.graphql.content.types import Content
from gateway.graphql.links import content_link, member_link
from gateway.graphql.users.enums import Tier
from gateway.graphql.users.types import User


@strawberry.type
class Complaint:
    id: strawberry.ID
    member_id: strawberry.ID
    target_type: ComplaintTargetType
    target_id: str | None
    category: ComplaintCategory
    text: str
    status: ComplaintStatus
    weight: float = strawberry.field(description="The flag's weight, from the complainant's tier.")
    created_at: datetime
    resolved_at: datetime | None
    resolution_note: str | None
    content_hidden: bool = strawberry.field(description="True when this complaint's flag tipped the auto-hide.")
    incident_id: strawberry.ID | None

    @strawberry.field(description="The complainant; null when their account no longer exists.")
    async def member(self, info: Info) -> User | None:
        return await member_link(info, self.member_id, User.from_read)

    @staticmethod
    def from_read(r: ComplaintRead) -> Complaint:
        return Complaint(
            id=strawberry.ID(r.id),
            member_id=strawberry.ID(r.member_id),
            target_type=r.target_type,
            target_id=r.target_id,
            category=r.category,
            text=r.text,
            status=r.status,
            weight=r.weight,
            created_at=r.created_at,
            resolved_at=r.resolved_at,
            resolution_note=r.resolution_note,
            content_hidden=r.content_hidden,
            incident_id=strawberry.ID(r.incident_id) if r.incident_id else None,
        )


@strawberry.type
class FlagContribution:
    complaint_id: strawberry.ID
    member_id: strawberry.ID
    tier: str = strawberry.field(deprecation_reason="Use `memberTier`, the same tier as the `Tier` enum.")
    weight: float

    @strawberry.field(description="The complainant; null when their account no longer exists.")
    async def member(self, info: Info) -> User | None:
        return await member_link(info, self.member_id, User.from_read)

    @strawberry.field(description="The complainant's tier when they complained, as the `Tier` enum.")
    def member_tier(self) -> Tier:
        return Tier(self.tier)


@strawberry.type(description="Why a piece was auto-hidden: the threshold and each flag's weight.")
class HideExplanation:
    content_id: strawberry.ID
    hidden_at: datetime
    threshold: float
    total_weight: float
    contributions: list[FlagContribution]
    restored_at: datetime | None

    @strawberry.field(description="The hidden piece (a teaser behind the paywall; null when unreadable).")
    async def content(self, info: Info) -> Content | None:
        return await content_link(info, self.content_id, Content.from_read)
