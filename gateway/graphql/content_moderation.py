"""Complaints, the moderation queue, and the explanation of every auto-hide."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry

from content_service.moderation.schemas import ComplaintCreate, ComplaintRead, ModerationDecision
from gateway.context import Info
from gateway.graphql.content_common import CommunityArg, operator_member, operator_scope
from gateway.graphql.pagination import check_first


@strawberry.enum
class ComplaintTargetType(Enum):
    CONTENT = "CONTENT"
    MEMBER = "MEMBER"
    SERVICE = "SERVICE"


@strawberry.enum
class ComplaintCategory(Enum):
    SPAM = "SPAM"
    ABUSE = "ABUSE"
    MISINFORMATION = "MISINFORMATION"
    SERVICE_QUALITY = "SERVICE_QUALITY"
    LEGAL = "LEGAL"
    OTHER = "OTHER"


@strawberry.enum
class ComplaintStatus(Enum):
    OPEN = "OPEN"
    UPHELD = "UPHELD"
    DISMISSED = "DISMISSED"


@strawberry.enum
class ModerationAction(Enum):
    UPHOLD = "UPHOLD"
    DISMISS = "DISMISS"


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

    @staticmethod
    def from_read(r: ComplaintRead) -> Complaint:
        return Complaint(
            id=strawberry.ID(r.id),
            member_id=strawberry.ID(r.member_id),
            target_type=ComplaintTargetType(r.target_type.value),
            target_id=r.target_id,
            category=ComplaintCategory(r.category.value),
            text=r.text,
            status=ComplaintStatus(r.status.value),
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
    tier: str
    weight: float


@strawberry.type(description="Why a piece was auto-hidden: the threshold and each flag's weight.")
class HideExplanation:
    content_id: strawberry.ID
    hidden_at: datetime
    threshold: float
    total_weight: float
    contributions: list[FlagContribution]
    restored_at: datetime | None


@strawberry.input
class FileComplaintInput:
    target_type: ComplaintTargetType
    target_id: strawberry.ID | None = strawberry.field(default=None, description="Required for CONTENT and MEMBER.")
    category: ComplaintCategory
    text: str


@strawberry.input
class DecideComplaintInput:
    complaint_id: strawberry.ID
    action: ModerationAction
    note: str | None = None


@strawberry.type
class ModerationQuery:
    @strawberry.field(description="Operators: complaints by status, oldest first.")
    async def moderation_queue(
        self,
        info: Info,
        status: ComplaintStatus | None = ComplaintStatus.OPEN,
        first: int = 50,
        community_id: Annotated[strawberry.ID | None, CommunityArg] = None,
    ) -> list[Complaint]:
        cid = await operator_scope(info, community_id)
        items = await info.context.services.content.moderation_queue(
            cid, status=status.value if status else None, limit=check_first(first)
        )
        return [Complaint.from_read(c) for c in items]

    @strawberry.field(description="Operators: the stored explanation of a piece's auto-hide.")
    async def hide_explanation(
        self,
        info: Info,
        content_id: strawberry.ID,
        community_id: Annotated[strawberry.ID | None, CommunityArg] = None,
    ) -> HideExplanation:
        cid = await operator_scope(info, community_id)
        r = await info.context.services.content.hide_record(cid, str(content_id))
        return HideExplanation(
            content_id=strawberry.ID(r.content_id),
            hidden_at=r.hidden_at,
            threshold=r.threshold,
            total_weight=r.total_weight,
            contributions=[
                FlagContribution(
                    complaint_id=strawberry.ID(c.complaint_id),
                    member_id=strawberry.ID(c.member_id),
                    tier=c.tier,
                    weight=c.weight,
                )
                for c in r.contributions
            ],
            restored_at=r.restored_at,
        )


@strawberry.type
class ModerationMutation:
    @strawberry.mutation(description="Members: complain about content (hidden too), a member, or the service.")
    async def file_complaint(self, info: Info, input: FileComplaintInput) -> Complaint:
        member = await info.context.require_member()
        complaint_in = ComplaintCreate(
            member_id=member.id,
            target_type=input.target_type.value,
            target_id=str(input.target_id) if input.target_id else None,
            category=input.category.value,
            text=input.text,
        )
        return Complaint.from_read(
            await info.context.services.content.file_complaint(member.community_id, complaint_in)
        )

    @strawberry.mutation(description="Operators: uphold (content is hidden) or dismiss (auto-hidden content returns).")
    async def decide_complaint(self, info: Info, input: DecideComplaintInput) -> Complaint:
        member = await operator_member(info)
        decision = ModerationDecision(actor_id=member.id, action=input.action.value, note=input.note)
        read = await info.context.services.content.decide_complaint(
            member.community_id, str(input.complaint_id), decision
        )
        return Complaint.from_read(read)
