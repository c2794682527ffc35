"""Governance rules: who reviews (EXPERT role), who sits where, how a proposal moves, the adoption rate."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bson import ObjectId

from infra.errors import ConflictError, ForbiddenError, NotFoundError
from users_service.domain.proposals import ProposalStatus, adoption_rate, check_step
from users_service.domain.roles import Role
from users_service.schemas.governance import (
    GovernanceRead,
    ProposalCreate,
    ProposalDecision,
    ProposalFeedback,
    ProposalRead,
    ProposalReview,
)
from users_service.schemas.members import MemberRead
from users_service.service.members import MembersService
from users_service.store.governance import GovernanceStore
from users_service.store.members import MembersStore

# Which field of the proposal document records each step.
STEP_FIELDS = {"review": "review", "decide": "decision", "feedback": "feedback"}


class ProposalNotFound(NotFoundError):
    """No proposal with this id in the community."""


@dataclass(frozen=True)
class GovernanceTargets:
    committee: int
    expert_panel: int
    adoption_rate: float


class GovernanceService:
    def __init__(
        self, store: GovernanceStore, members: MembersStore, members_service: MembersService, targets: GovernanceTargets
    ) -> None:
        self.store = store
        self.members = members
        self.members_service = members_service
        self.targets = targets

    async def get_proposal_or_raise(self, cid: ObjectId, proposal_id: ObjectId) -> ProposalRead:
        proposal = await self.store.get_proposal(cid, proposal_id)
        if proposal is None:
            raise ProposalNotFound(f"no proposal with id {proposal_id} in this community", field="proposalId")
        return proposal

    async def committee_size(self, cid: ObjectId) -> int:
        """Seats taken on the user committee: members of the core RFM layer, up to the committee's size."""
        return min(await self.members.count_core(cid), self.targets.committee)

    async def overview(self, cid: ObjectId) -> GovernanceRead:
        counts = await self.store.count_by_status(cid)
        return GovernanceRead(
            committee_size=await self.committee_size(cid),
            committee_target=self.targets.committee,
            expert_panel_size=await self.members.count_experts(cid),
            expert_panel_target=self.targets.expert_panel,
            proposals={s.value: counts.get(s.value, 0) for s in ProposalStatus},
            adoption_rate=adoption_rate(counts),
            target_adoption_rate=self.targets.adoption_rate,
        )

    async def committee(self, cid: ObjectId, *, limit: int) -> list[MemberRead]:
        """The user committee: members of the core RFM layer (at most the committee's size)."""
        ids = await self.members.list_core_ids(cid, limit=min(limit, self.targets.committee))
        return await self._in_order(cid, ids)

    async def expert_panel(self, cid: ObjectId, *, limit: int) -> list[MemberRead]:
        return await self._in_order(cid, await self.members.list_expert_ids(cid, limit=limit))

    async def _in_order(self, cid: ObjectId, ids: list[ObjectId]) -> list[MemberRead]:
        found = await self.members.list_by_ids(cid, ids)
        return [found[str(i)] for i in ids if str(i) in found]

    async def submit(self, cid: ObjectId, proposal_in: ProposalCreate) -> ProposalRead:
        author = await self.members_service.get_or_raise(cid, ObjectId(proposal_in.author_id), field="authorId")
        return await self.store.create_proposal(cid, ObjectId(author.id), proposal_in.title, proposal_in.body)

    async def review(self, cid: ObjectId, proposal_id: ObjectId, review_in: ProposalReview) -> ProposalRead:
        expert = await self.members_service.get_or_raise(cid, ObjectId(review_in.expert_id), field="expertId")
        if Role.EXPERT not in expert.roles:
            raise ForbiddenError("only the expert panel (EXPERT role) reviews proposals")
        record = {"by": ObjectId(expert.id), "note": review_in.note, "recommendation": review_in.recommendation.value}
        return await self._advance(cid, proposal_id, "review", ProposalStatus.REVIEWED, record)

    async def decide(self, cid: ObjectId, proposal_id: ObjectId, decision_in: ProposalDecision) -> ProposalRead:
        status = ProposalStatus.ADOPTED if decision_in.adopt else ProposalStatus.REJECTED
        by = ObjectId(decision_in.decided_by) if decision_in.decided_by else None
        return await self._advance(cid, proposal_id, "decide", status, {"by": by, "note": decision_in.note})

    async def feedback(self, cid: ObjectId, proposal_id: ObjectId, feedback_in: ProposalFeedback) -> ProposalRead:
        by = ObjectId(feedback_in.reported_by) if feedback_in.reported_by else None
        record = {"by": by, "note": feedback_in.note}
        return await self._advance(cid, proposal_id, "feedback", ProposalStatus.IMPLEMENTED, record)

    async def _advance(
        self, cid: ObjectId, proposal_id: ObjectId, step: str, status: ProposalStatus, record: Mapping[str, object]
    ) -> ProposalRead:
        proposal = await self.get_proposal_or_raise(cid, proposal_id)
        check_step(step, proposal.status)
        moved = await self.store.advance(
            cid, proposal_id, expected=proposal.status.value, status=status.value, step=STEP_FIELDS[step], record=record
        )
        if moved is None:
            raise ConflictError("the proposal moved on meanwhile; read it again", field="proposalId")
        return moved

    async def list_proposals(self, cid: ObjectId, status: ProposalStatus | None, *, limit: int) -> list[ProposalRead]:
        return await self.store.list_proposals(cid, status.value if status else None, limit=limit)
