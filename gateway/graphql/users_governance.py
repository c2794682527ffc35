"""Self-governance: the committee, the expert panel, and proposals from submission to execution feedback."""

from __future__ import annotations

from datetime import datetime

import strawberry

from gateway.context import Info
from gateway.graphql.pagination import check_first
from gateway.graphql.types import User
from gateway.graphql.users_enums import ProposalRecommendation, ProposalStatus
from gateway.graphql.users_value import COMMUNITY_ARG
from users_service.governance.schemas import (
    ProposalCreate,
    ProposalDecision,
    ProposalFeedback,
    ProposalRead,
    ProposalReview,
    StepRead,
)


@strawberry.type(description="One step of a proposal: who took it, their note, when.")
class ProposalStep:
    note: str | None
    at: datetime
    by_id: strawberry.Private[str | None]
    community_id: strawberry.Private[str]

    @strawberry.field(description="Null for the platform admin or a member who no longer exists.")
    async def by(self, info: Info) -> User | None:
        if not self.by_id:
            return None
        read = await info.context.loaders.member_by_id.load((self.community_id, self.by_id))
        return User.from_read(read) if read else None

    @staticmethod
    def from_read(read: StepRead | None, community_id: str) -> ProposalStep | None:
        if read is None:
            return None
        return ProposalStep(note=read.note, at=read.at, by_id=read.by, community_id=community_id)


@strawberry.type
class Proposal:
    id: strawberry.ID
    title: str
    body: str
    status: ProposalStatus
    created_at: datetime
    recommendation: ProposalRecommendation | None
    review: ProposalStep | None
    decision: ProposalStep | None
    feedback: ProposalStep | None
    author_id: strawberry.Private[str]
    community_id: strawberry.Private[str]

    @strawberry.field
    async def author(self, info: Info) -> User | None:
        read = await info.context.loaders.member_by_id.load((self.community_id, self.author_id))
        return User.from_read(read) if read else None

    @staticmethod
    def from_read(read: ProposalRead, community_id: str) -> Proposal:
        return Proposal(
            id=strawberry.ID(read.id),
            title=read.title,
            body=read.body,
            status=ProposalStatus(read.status.value),
            created_at=read.created_at,
            recommendation=ProposalRecommendation(read.recommendation.value) if read.recommendation else None,
            review=ProposalStep.from_read(read.review, community_id),
            decision=ProposalStep.from_read(read.decision, community_id),
            feedback=ProposalStep.from_read(read.feedback, community_id),
            author_id=read.author_id,
            community_id=community_id,
        )


@strawberry.type
class ProposalCount:
    status: ProposalStatus
    count: int


@strawberry.type(description="The community's self-governance at a glance, beside the playbook's targets.")
class Governance:
    committee_size: int
    committee_target: int = strawberry.field(description="Playbook: a user committee of 500 core users.")
    expert_panel_size: int
    expert_panel_target: int = strawberry.field(description="Playbook: an expert think-tank of 100+.")
    proposals: list[ProposalCount]
    adoption_rate: float | None = strawberry.field(description="Adopted over decided proposals; null before any.")
    target_adoption_rate: float = strawberry.field(description="Playbook: 67% of proposals adopted.")
    community_id: strawberry.Private[str]

    @strawberry.field(description="The user committee: members of the core RFM layer.")
    async def committee(self, info: Info, first: int = 20) -> list[User]:
        members = await info.context.services.users.governance_committee(self.community_id, limit=check_first(first))
        return [User.from_read(m) for m in members]

    @strawberry.field(description="The expert panel: members holding the EXPERT role.")
    async def expert_panel(self, info: Info, first: int = 20) -> list[User]:
        members = await info.context.services.users.expert_panel(self.community_id, limit=check_first(first))
        return [User.from_read(m) for m in members]


@strawberry.input
class SubmitProposalInput:
    title: str
    body: str


@strawberry.input
class ReviewProposalInput:
    proposal_id: strawberry.ID
    recommendation: ProposalRecommendation
    note: str | None = None


@strawberry.input
class DecideProposalInput:
    community_id: strawberry.ID | None = strawberry.field(default=None, description=COMMUNITY_ARG)
    proposal_id: strawberry.ID
    adopt: bool
    note: str | None = None


@strawberry.input
class RecordProposalFeedbackInput:
    community_id: strawberry.ID | None = strawberry.field(default=None, description=COMMUNITY_ARG)
    proposal_id: strawberry.ID
    note: str


async def _operator_id(info: Info) -> str | None:
    return None if info.context.viewer.is_admin else (await info.context.require_member()).id


@strawberry.type
class GovernanceQuery:
    @strawberry.field(description="Members of the community (or the admin key): committee, panel, proposals.")
    async def governance(self, info: Info, community_id: strawberry.ID | None = None) -> Governance:
        cid = await info.context.reader_community(community_id)
        read = await info.context.services.users.governance(cid)
        return Governance(
            committee_size=read.committee_size,
            committee_target=read.committee_target,
            expert_panel_size=read.expert_panel_size,
            expert_panel_target=read.expert_panel_target,
            proposals=[ProposalCount(status=ProposalStatus(s), count=n) for s, n in read.proposals.items()],
            adoption_rate=read.adoption_rate,
            target_adoption_rate=read.target_adoption_rate,
            community_id=cid,
        )

    @strawberry.field(description="Proposals of the caller's community, newest first.")
    async def proposals(
        self,
        info: Info,
        status: ProposalStatus | None = None,
        first: int = 20,
        community_id: strawberry.ID | None = None,
    ) -> list[Proposal]:
        cid = await info.context.reader_community(community_id)
        found = await info.context.services.users.list_proposals(
            cid, status.value if status else None, limit=check_first(first)
        )
        return [Proposal.from_read(p, cid) for p in found]


@strawberry.type
class GovernanceMutation:
    @strawberry.mutation(description="Members: propose something to the community.")
    async def submit_proposal(self, info: Info, input: SubmitProposalInput) -> Proposal:
        member = await info.context.require_member()
        proposal_in = ProposalCreate(author_id=member.id, title=input.title, body=input.body)
        read = await info.context.services.users.submit_proposal(member.community_id, proposal_in)
        return Proposal.from_read(read, member.community_id)

    @strawberry.mutation(description="Expert panel (EXPERT role): review a submitted proposal.")
    async def review_proposal(self, info: Info, input: ReviewProposalInput) -> Proposal:
        member = await info.context.require_member()
        review_in = ProposalReview(expert_id=member.id, recommendation=input.recommendation.value, note=input.note)
        read = await info.context.services.users.review_proposal(member.community_id, str(input.proposal_id), review_in)
        return Proposal.from_read(read, member.community_id)

    @strawberry.mutation(description="Operators: adopt or reject a reviewed proposal.")
    async def decide_proposal(self, info: Info, input: DecideProposalInput) -> Proposal:
        cid = await info.context.operator_community(input.community_id)
        decision_in = ProposalDecision(decided_by=await _operator_id(info), adopt=input.adopt, note=input.note)
        read = await info.context.services.users.decide_proposal(cid, str(input.proposal_id), decision_in)
        return Proposal.from_read(read, cid)

    @strawberry.mutation(description="Operators: report how an adopted proposal was carried out.")
    async def record_proposal_feedback(self, info: Info, input: RecordProposalFeedbackInput) -> Proposal:
        cid = await info.context.operator_community(input.community_id)
        feedback_in = ProposalFeedback(reported_by=await _operator_id(info), note=input.note)
        read = await info.context.services.users.record_proposal_feedback(cid, str(input.proposal_id), feedback_in)
        return Proposal.from_read(read, cid)
