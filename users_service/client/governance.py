"""Governance calls of `UsersClient` (mixed into it)."""

from __future__ import annotations

from typing import Any

from infra.http import ServiceClient
from infra.paths import community_path, segment
from users_service.schemas.governance import (
    GovernanceRead,
    MemberList,
    ProposalCreate,
    ProposalDecision,
    ProposalFeedback,
    ProposalList,
    ProposalRead,
    ProposalReview,
)
from users_service.schemas.members import MemberRead


def _gov(community_id: str) -> str:
    return f"{community_path(community_id)}/governance"


def _proposal(community_id: str, proposal_id: str) -> str:
    return f"{_gov(community_id)}/proposals/{segment(proposal_id, field='proposalId')}"


class GovernanceClientMixin(ServiceClient):
    async def governance(self, community_id: str) -> GovernanceRead:
        return GovernanceRead.model_validate(await self._call("GET", _gov(community_id)))

    async def governance_committee(self, community_id: str, *, limit: int = 20) -> list[MemberRead]:
        body = await self._call("GET", f"{_gov(community_id)}/committee", params={"limit": limit})
        return MemberList.model_validate(body).members

    async def expert_panel(self, community_id: str, *, limit: int = 20) -> list[MemberRead]:
        body = await self._call("GET", f"{_gov(community_id)}/expert-panel", params={"limit": limit})
        return MemberList.model_validate(body).members

    async def submit_proposal(self, community_id: str, proposal_in: ProposalCreate) -> ProposalRead:
        body = await self._call("POST", f"{_gov(community_id)}/proposals", json=proposal_in.to_wire())
        return ProposalRead.model_validate(body)

    async def list_proposals(
        self, community_id: str, status: str | None = None, *, limit: int = 20
    ) -> list[ProposalRead]:
        params: dict[str, Any] = {"limit": limit}
        if status:
            params["status"] = status
        body = await self._call("GET", f"{_gov(community_id)}/proposals", params=params)
        return ProposalList.model_validate(body).proposals

    async def review_proposal(self, community_id: str, proposal_id: str, review_in: ProposalReview) -> ProposalRead:
        path = f"{_proposal(community_id, proposal_id)}/review"
        return ProposalRead.model_validate(await self._call("POST", path, json=review_in.to_wire()))

    async def decide_proposal(self, community_id: str, proposal_id: str, decision_in: ProposalDecision) -> ProposalRead:
        path = f"{_proposal(community_id, proposal_id)}/decision"
        return ProposalRead.model_validate(await self._call("POST", path, json=decision_in.to_wire()))

    async def record_proposal_feedback(
        self, community_id: str, proposal_id: str, feedback_in: ProposalFeedback
    ) -> ProposalRead:
        path = f"{_proposal(community_id, proposal_id)}/feedback"
        return ProposalRead.model_validate(await self._call("POST", path, json=feedback_in.to_wire()))
