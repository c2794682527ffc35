"""Members' and communities' mutations: sign-up, login, roles, tiers, LTV, NPS, governance, acquisition."""

from __future__ import annotations

import strawberry

from gateway.context import Info
from gateway.graphql.users.inputs import (
    CloseNpsSurveyInput,
    ConfigureMemberValueInput,
    CreateCommunityInput,
    CreateNpsSurveyInput,
    CreateTrialProgramInput,
    DecideProposalInput,
    GrantRoleInput,
    JoinTrialProgramInput,
    LoginInput,
    RecomputeTiersInput,
    RecordAcquisitionSpendInput,
    RecordProposalFeedbackInput,
    RegisterUserInput,
    RespondToNpsSurveyInput,
    ReviewProposalInput,
    RevokeRoleInput,
    SubmitProposalInput,
    TrainLtvModelInput,
)
from gateway.graphql.users.types import (
    AcquisitionSpend,
    AuthPayload,
    Community,
    LtvModel,
    MemberValueSettings,
    NpsResponse,
    NpsSurvey,
    Proposal,
    TierRun,
    TrialProgram,
    User,
)
from users_service.schemas import (
    CommunityCreate,
    Credentials,
    Enrollment,
    LtvTrain,
    MemberCreate,
    ProgramCreate,
    ProposalCreate,
    ProposalDecision,
    ProposalFeedback,
    ProposalReview,
    ResponseCreate,
    RoleChange,
    SpendCreate,
    SurveyCreate,
)


@strawberry.type
class CommunityMutation:
    @strawberry.mutation(description="Platform admin only.")
    async def create_community(self, info: Info, input: CreateCommunityInput) -> Community:
        info.context.require_admin()
        community_in = CommunityCreate(
            slug=input.slug, name=input.name, timezone=input.timezone, parent_id=input.parent_id
        )
        return Community.from_read(await info.context.services.users.create_community(community_in))


@strawberry.type
class UserMutation:
    @strawberry.mutation(description="Join a community; returns a member token.")
    async def register_user(self, info: Info, input: RegisterUserInput) -> AuthPayload:
        ctx = info.context
        await ctx.limiter.check_registration(ctx.address)
        member_in = MemberCreate(
            handle=input.handle,
            display_name=input.display_name,
            password=input.password,
            channel=input.channel.value if input.channel else None,
        )
        community = await ctx.services.users.get_community_by_slug(input.community_slug)
        member = await ctx.services.users.register_member(community.id, member_in)
        token = ctx.issuer.issue(member_id=member.id, community_id=member.community_id)
        return AuthPayload(token=token, user=User.from_read(member))

    @strawberry.mutation(description="A wrong password and an unknown handle give the same UNAUTHENTICATED answer.")
    async def login(self, info: Info, input: LoginInput) -> AuthPayload:
        ctx = info.context
        credentials = Credentials(handle=input.handle, password=input.password, address=ctx.address)
        community = await ctx.services.users.get_community_by_slug(input.community_slug)
        member = await ctx.services.users.authenticate(community.id, credentials)
        token = ctx.issuer.issue(member_id=member.id, community_id=member.community_id)
        return AuthPayload(token=token, user=User.from_read(member))

    @strawberry.mutation(description="Admin, or an operator of the community. Applies to tokens already issued.")
    async def grant_role(self, info: Info, input: GrantRoleInput) -> User:
        community_id = (await info.context.require_operator(input.community_id)).community_id
        change = RoleChange(handle=input.handle, role=input.role.value)
        return User.from_read(await info.context.services.users.grant_role(community_id, change))

    @strawberry.mutation(description="Admin, or an operator of the community. MEMBER cannot be revoked.")
    async def revoke_role(self, info: Info, input: RevokeRoleInput) -> User:
        community_id = (await info.context.require_operator(input.community_id)).community_id
        change = RoleChange(handle=input.handle, role=input.role.value)
        return User.from_read(await info.context.services.users.revoke_role(community_id, change))


@strawberry.type
class MemberValueMutation:
    @strawberry.mutation(description="Operators: run the tier batch job now (RFM, pyramid, tiers with history).")
    async def recompute_tiers(self, info: Info, input: RecomputeTiersInput) -> TierRun:
        cid = (await info.context.require_operator(input.community_id)).community_id
        return TierRun.from_read(await info.context.services.users.recompute_tiers(cid, input.as_of))

    @strawberry.mutation(description="Operators: change pyramid proportions (must add up to 1) or tier thresholds.")
    async def configure_member_value(self, info: Info, input: ConfigureMemberValueInput) -> MemberValueSettings:
        cid = (await info.context.require_operator(input.community_id)).community_id
        changes = {k: v for k, v in vars(input).items() if k not in ("community_id", "treatments") and v is not None}
        if input.treatments is not None:
            changes["treatments"] = {
                t.layer.value: {"summary": t.summary, "perks": [p.value for p in t.perks]} for t in input.treatments
            }
        return MemberValueSettings.from_read(await info.context.services.users.update_value_config(cid, changes))


@strawberry.type
class LtvMutation:
    @strawberry.mutation(description="Operators: train a new LTV version and predict every member's `ltv`.")
    async def train_ltv_model(self, info: Info, input: TrainLtvModelInput) -> LtvModel:
        cid = (await info.context.require_operator(input.community_id)).community_id
        train_in = LtvTrain(horizon_days=input.horizon_days, min_members=input.min_members)
        return LtvModel.from_read(await info.context.services.users.train_ltv(cid, train_in))


@strawberry.type
class VoiceMutation:
    @strawberry.mutation(description="Operators: open an NPS survey.")
    async def create_nps_survey(self, info: Info, input: CreateNpsSurveyInput) -> NpsSurvey:
        cid = (await info.context.require_operator(input.community_id)).community_id
        survey_in = SurveyCreate.model_validate(
            {"title": input.title, **({"question": input.question} if input.question else {})}
        )
        return NpsSurvey.from_read(await info.context.services.users.create_nps_survey(cid, survey_in))

    @strawberry.mutation(description="Operators: stop taking answers.")
    async def close_nps_survey(self, info: Info, input: CloseNpsSurveyInput) -> NpsSurvey:
        cid = (await info.context.require_operator(input.community_id)).community_id
        return NpsSurvey.from_read(await info.context.services.users.close_nps_survey(cid, str(input.survey_id)))

    @strawberry.mutation(description="Members: answer a survey of their community once (0-10 and a comment).")
    async def respond_to_nps_survey(self, info: Info, input: RespondToNpsSurveyInput) -> NpsResponse:
        member = await info.context.require_member()
        response_in = ResponseCreate(member_id=member.id, score=input.score, comment=input.comment)
        read = await info.context.services.users.respond_nps(member.community_id, str(input.survey_id), response_in)
        return NpsResponse.from_read(read, member.community_id)


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
        operator = await info.context.require_operator(input.community_id)
        cid = operator.community_id
        decision_in = ProposalDecision(
            decided_by=operator.member.id if operator.member else None, adopt=input.adopt, note=input.note
        )
        read = await info.context.services.users.decide_proposal(cid, str(input.proposal_id), decision_in)
        return Proposal.from_read(read, cid)

    @strawberry.mutation(description="Operators: report how an adopted proposal was carried out.")
    async def record_proposal_feedback(self, info: Info, input: RecordProposalFeedbackInput) -> Proposal:
        operator = await info.context.require_operator(input.community_id)
        cid = operator.community_id
        feedback_in = ProposalFeedback(reported_by=operator.member.id if operator.member else None, note=input.note)
        read = await info.context.services.users.record_proposal_feedback(cid, str(input.proposal_id), feedback_in)
        return Proposal.from_read(read, cid)


@strawberry.type
class AcquisitionMutation:
    @strawberry.mutation(description="Operators: record money spent on a channel (integer minor units).")
    async def record_acquisition_spend(self, info: Info, input: RecordAcquisitionSpendInput) -> AcquisitionSpend:
        cid = (await info.context.require_operator(input.community_id)).community_id
        spend_in = SpendCreate(
            channel=input.channel.value,
            amount_cents=input.amount_cents,
            currency=input.currency,
            spent_at=input.spent_at,
            note=input.note,
        )
        read = await info.context.services.users.record_spend(cid, spend_in)
        return AcquisitionSpend(
            id=strawberry.ID(read.id),
            channel=read.channel,
            amount_cents=read.amount_cents,
            currency=read.currency,
            spent_at=read.spent_at,
        )

    @strawberry.mutation(description="Operators: start a 7-day experience camp or a 21-day growth plan.")
    async def create_trial_program(self, info: Info, input: CreateTrialProgramInput) -> TrialProgram:
        cid = (await info.context.require_operator(input.community_id)).community_id
        program_in = ProgramCreate(kind=input.kind.value, name=input.name, starts_at=input.starts_at)
        return TrialProgram.from_read(await info.context.services.users.create_trial_program(cid, program_in))

    @strawberry.mutation(description="Members: join a trial program of their community.")
    async def join_trial_program(self, info: Info, input: JoinTrialProgramInput) -> TrialProgram:
        member = await info.context.require_member()
        read = await info.context.services.users.enroll_in_trial_program(
            member.community_id, str(input.program_id), Enrollment(member_id=member.id)
        )
        return TrialProgram.from_read(read)
