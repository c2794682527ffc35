"""Governance rules: who reviews (EXPERT role), who sits where, how a proposal moves, the adoption rate."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bson import ObjectId

from infra.errors import ConflictError, ForbiddenError, NotFoundError
from infra.schemas import object_id
from users_service.domain.roles import Role
from users_service.governance.proposals import ProposalStatus, adoption_rate, check_step
from users_service.governance.schemas import (
    GovernanceRead,
    ProposalCreate,
    ProposalDecision,
    ProposalFeedback,
    ProposalRead,
    ProposalReview,
)
from users_service.governance.store import GovernanceStore
from users_service.schemas import MemberRead
from users_service.store import UsersStore


@dataclass(frozen=True)
class GovernanceTargets:
    committee: int
    expert_panel: int
    adoption_rate: float


class GovernanceService:
    def __init__(self, store: GovernanceStore, users: UsersStore, targets: GovernanceTargets) -> None:
        self.store = store
        self.users = users
        self.targets = targets

    async def _member_or_raise(self, cid: ObjectId, member_id: str, field: str) -> MemberRead:
        member = await self.users.get_member(cid, object_id(member_id, field=field))
        if member is None:
            raise NotFoundError("no such member in this community", field=field)
        return member

    async def _proposal_or_raise(self, cid: ObjectId, proposal_id: str) -> ProposalRead:
        proposal = await self.store.get_proposal(cid, object_id(proposal_id, field="proposalId"))
        if proposal is None:
            raise NotFoundError(f"no proposal with id {proposal_id} in this community", field="proposalId")
        return proposal

    async def overview(self, community_id: str) -> GovernanceRead:
        cid = object_id(community_id, field="communityId")
        counts = await self.store.count_by_status(cid)
        return GovernanceRead(
            committee_size=min(await self.store.count_core(cid), self.targets.committee),
            committee_target=self.targets.committee,
            expert_panel_size=await self.store.count_experts(cid),
            expert_panel_target=self.targets.expert_panel,
            proposals={s.value: counts.get(s.value, 0) for s in ProposalStatus},
            adoption_rate=adoption_rate(counts),
            target_adoption_rate=self.targets.adoption_rate,
        )

    async def committee(self, community_id: str, *, limit: int) -> list[MemberRead]:
        """The user committee: members of the core RFM layer (at most the committee's size)."""
        cid = object_id(community_id, field="communityId")
        ids = await self.store.list_core_ids(cid, limit=min(limit, self.targets.committee))
        found = await self.users.list_members_by_ids(cid, ids)
        return [found[str(i)] for i in ids if str(i) in found]

    async def expert_panel(self, community_id: str, *, limit: int) -> list[MemberRead]:
        cid = object_id(community_id, field="communityId")
        ids = await self.store.list_expert_ids(cid, limit=limit)
        found = await self.users.list_members_by_ids(cid, ids)
        return [found[str(i)] for i in ids if str(i) in found]

    async def submit(self, community_id: str, proposal_in: ProposalCreate) -> ProposalRead:
        cid = object_id(community_id, field="communityId")
        author = await self._member_or_raise(cid, proposal_in.author_id, "authorId")
        return await self.store.create_proposal(cid, ObjectId(author.id), proposal_in.title, proposal_in.body)

    async def review(self, community_id: str, proposal_id: str, review_in: ProposalReview) -> ProposalRead:
        cid = object_id(community_id, field="communityId")
        expert = await self._member_or_raise(cid, review_in.expert_id, "expertId")
        if Role.EXPERT not in expert.roles:
            raise ForbiddenError("only the expert panel (EXPERT role) reviews proposals")
        record = {"by": ObjectId(expert.id), "note": review_in.note, "recommendation": review_in.recommendation.value}
        return await self._advance(cid, proposal_id, "review", ProposalStatus.REVIEWED, record)

    async def decide(self, community_id: str, proposal_id: str, decision_in: ProposalDecision) -> ProposalRead:
        cid = object_id(community_id, field="communityId")
        status = ProposalStatus.ADOPTED if decision_in.adopt else ProposalStatus.REJECTED
        by = ObjectId(decision_in.decided_by) if decision_in.decided_by else None
        return await self._advance(cid, proposal_id, "decide", status, {"by": by, "note": decision_in.note})

    async def feedback(self, community_id: str, proposal_id: str, feedback_in: ProposalFeedback) -> ProposalRead:
        cid = object_id(community_id, field="communityId")
        by = ObjectId(feedback_in.reported_by) if feedback_in.reported_by else None
        record = {"by": by, "note": feedback_in.note}
        return await self._advance(cid, proposal_id, "feedback", ProposalStatus.IMPLEMENTED, record)

    async def _advance(
        self, cid: ObjectId, proposal_id: str, step: str, status: ProposalStatus, record: Mapping[str, object]
    ) -> ProposalRead:
        proposal = await self._proposal_or_raise(cid, proposal_id)
        check_step(step, proposal.status)
        field = {"review": "review", "decide": "decision", "feedback": "feedback"}[step]
        moved = await self.store.advance(
            cid, ObjectId(proposal.id), expected=proposal.status.value, status=status.value, step=field, record=record
        )
        if moved is None:
            raise ConflictError("the proposal moved on meanwhile; read it again", field="proposalId")
        return moved

    async def list_proposals(self, community_id: str, status: str | None, *, limit: int) -> list[ProposalRead]:
        return await self.store.list_proposals(object_id(community_id, field="communityId"), status, limit=limit)
