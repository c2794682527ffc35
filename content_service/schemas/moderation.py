"""Complaints, the moderation queue, and explainable auto-hide."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import StringConstraints

from infra.schemas import ApiInput, ApiModel, Id


class TargetType(StrEnum):
    CONTENT = "CONTENT"
    MEMBER = "MEMBER"
    SERVICE = "SERVICE"


class ComplaintCategory(StrEnum):
    SPAM = "SPAM"
    ABUSE = "ABUSE"
    MISINFORMATION = "MISINFORMATION"
    SERVICE_QUALITY = "SERVICE_QUALITY"
    LEGAL = "LEGAL"
    OTHER = "OTHER"


class ComplaintStatus(StrEnum):
    OPEN = "OPEN"
    UPHELD = "UPHELD"
    DISMISSED = "DISMISSED"


class ModerationAction(StrEnum):
    UPHOLD = "UPHOLD"  # the complaint is right; for content, it is hidden
    DISMISS = "DISMISS"  # the complaint is wrong; auto-hidden content comes back when no other flag holds


class ComplaintCreate(ApiInput):
    member_id: Id
    target_type: TargetType
    target_id: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] | None = None
    category: ComplaintCategory
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class ComplaintRead(ApiModel):
    id: str
    member_id: str
    target_type: TargetType
    target_id: str | None
    category: ComplaintCategory
    text: str
    status: ComplaintStatus
    weight: float
    created_at: datetime
    resolved_at: datetime | None
    resolution_note: str | None
    content_hidden: bool
    incident_id: str | None


class ComplaintList(ApiModel):
    items: list[ComplaintRead]


class ModerationDecision(ApiInput):
    actor_id: Id
    action: ModerationAction
    note: Annotated[str, StringConstraints(max_length=2000)] | None = None


class FlagContribution(ApiModel):
    """One complaint's share in an auto-hide decision."""

    complaint_id: str
    member_id: str
    tier: str
    weight: float


class HideRecordRead(ApiModel):
    content_id: str
    hidden_at: datetime
    threshold: float
    total_weight: float
    contributions: list[FlagContribution]
    restored_at: datetime | None
