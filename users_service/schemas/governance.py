"""Governance on the wire: proposals and their steps, the committee and the expert panel."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import StringConstraints

from infra.schemas import ApiInput, ApiModel, Id
from users_service.domain.proposals import ProposalStatus, Recommendation
from users_service.schemas.members import MemberRead

__all__ = [
    "GovernanceRead",
    "MemberList",
    "ProposalCreate",
    "ProposalDecision",
    "ProposalFeedback",
    "ProposalList",
    "ProposalRead",
    "ProposalReview",
    "StepRead",
]

Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]


class ProposalCreate(ApiInput):
    author_id: Id
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    body: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]


class ProposalReview(ApiInput):
    expert_id: Id
    recommendation: Recommendation
    note: Note | None = None


class ProposalDecision(ApiInput):
    decided_by: Id | None = None  # None: the platform admin
    adopt: bool
    note: Note | None = None


class ProposalFeedback(ApiInput):
    reported_by: Id | None = None
    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class StepRead(ApiModel):
    by: str | None
    note: str | None
    at: datetime


class ProposalRead(ApiModel):
    id: str
    author_id: str
    title: str
    body: str
    status: ProposalStatus
    created_at: datetime
    recommendation: Recommendation | None = None
    review: StepRead | None = None
    decision: StepRead | None = None
    feedback: StepRead | None = None


class ProposalList(ApiModel):
    proposals: list[ProposalRead]


class GovernanceRead(ApiModel):
    committee_size: int
    committee_target: int
    expert_panel_size: int
    expert_panel_target: int
    proposals: dict[str, int]
    adoption_rate: float | None
    target_adoption_rate: float


class MemberList(ApiModel):
    members: list[MemberRead]
