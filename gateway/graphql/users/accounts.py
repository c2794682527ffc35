"""Accounts: operators issue claim codes; members claim imported accounts, reset passwords and read public profiles."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from gateway.context import Info
from gateway.graphql.users.enums import Role, Tier
from gateway.graphql.users.types import AuthPayload, User
from users_service.schemas import ClaimCodeIssue, CodeRedemption, MemberRead, PublicProfile, ResetRequest

CODE_TEXT = "The one-time code from the mail (XXXXX-XXXXX; case and dashes do not matter)."


@strawberry.type(description="What every member may see of another member: never e-mail or sign-in data.")
class MemberProfile:
    id: strawberry.ID = strawberry.field(description="The member's id.")
    handle: str = strawberry.field(description="The member's handle.")
    display_name: str = strawberry.field(description="The member's display name.")
    roles: list[Role] = strawberry.field(description="The member's roles (EXPERT shows as a badge).")
    tier: Tier = strawberry.field(description="The member's value tier.")
    joined_at: datetime = strawberry.field(description="When the member joined the community.")

    @staticmethod
    def from_read(read: PublicProfile) -> MemberProfile:
        return MemberProfile(
            id=strawberry.ID(read.id),
            handle=read.handle,
            display_name=read.display_name,
            roles=list(read.roles),
            tier=read.tier,
            joined_at=read.joined_at,
        )


@strawberry.type(description="A claim code was issued and its mail queued; the code itself is only in the mail.")
class IssueClaimCodePayload:
    user: User = strawberry.field(description="The member the code is for.")
    sent_to: str = strawberry.field(description="The address the mail goes to, partly hidden (a***@example.org).")
    expires_at: datetime = strawberry.field(description="When the code stops working.")


@strawberry.type(description="A reset was asked for; the answer is the same whether or not a mail goes out.")
class RequestPasswordResetPayload:
    accepted: bool = strawberry.field(
        description="Always true: a code is mailed when the handle has an address on file (a few per window)."
    )


@strawberry.input(description="A claim code for a member (often imported, who has never signed in).")
class IssueClaimCodeInput:
    handle: str = strawberry.field(description="The member's handle.")
    email: str | None = strawberry.field(
        default=None, description="Where to mail the code; kept as the member's address. Needed when none is on file."
    )
    community_id: strawberry.ID | None = strawberry.field(
        default=None, description="The community (required with the admin key); the operator's own when omitted."
    )


@strawberry.input(description="Set a password with a code: claim an account, or reset a forgotten password.")
class RedeemCodeInput:
    community_slug: str = strawberry.field(description="The community's slug.")
    handle: str = strawberry.field(description="The member's handle.")
    code: str = strawberry.field(description=CODE_TEXT)
    password: str = strawberry.field(description="The new password, 8-256 characters.")


@strawberry.input(description="Ask for a password-reset code by mail.")
class RequestPasswordResetInput:
    community_slug: str = strawberry.field(description="The community's slug.")
    handle: str = strawberry.field(description="The member's handle.")


@strawberry.type
class AccountQuery:
    @strawberry.field(description="Members: another member's public profile in the caller's community.")
    async def member_profile(
        self, info: Info, handle: Annotated[str, strawberry.argument(description="The member's handle.")]
    ) -> MemberProfile:
        viewer = await info.context.require_member()
        return MemberProfile.from_read(await info.context.services.users.public_profile(viewer.community_id, handle))


@strawberry.type
class AccountMutation:
    @strawberry.mutation(description="Operators: mail a one-time claim code to a member; earlier ones stop working.")
    async def issue_claim_code(self, info: Info, input: IssueClaimCodeInput) -> IssueClaimCodePayload:
        operator = await info.context.require_operator(input.community_id)
        issue = ClaimCodeIssue(
            handle=input.handle,
            email=input.email,
            issued_by=operator.member.id if operator.member else None,
        )
        issued = await info.context.services.users.issue_claim_code(operator.community_id, issue)
        return IssueClaimCodePayload(
            user=User.from_read(issued.member), sent_to=issued.sent_to, expires_at=issued.expires_at
        )

    @strawberry.mutation(description="Set a first password with a claim code; returns a member token.")
    async def claim_account(self, info: Info, input: RedeemCodeInput) -> AuthPayload:
        return await _redeem(info, input, claim=True)

    @strawberry.mutation(description="Mail a password-reset code; the same answer for every handle.")
    async def request_password_reset(self, info: Info, input: RequestPasswordResetInput) -> RequestPasswordResetPayload:
        ctx = info.context
        community = await ctx.services.users.get_community_by_slug(input.community_slug)
        request = ResetRequest(handle=input.handle, address=ctx.address)
        answer = await ctx.services.users.request_password_reset(community.id, request)
        return RequestPasswordResetPayload(accepted=answer.accepted)

    @strawberry.mutation(description="Set a new password with a reset code; returns a member token.")
    async def reset_password(self, info: Info, input: RedeemCodeInput) -> AuthPayload:
        return await _redeem(info, input, claim=False)


async def _redeem(info: Info, input: RedeemCodeInput, *, claim: bool) -> AuthPayload:
    ctx = info.context
    redemption = CodeRedemption(handle=input.handle, code=input.code, password=input.password, address=ctx.address)
    community = await ctx.services.users.get_community_by_slug(input.community_slug)
    users = ctx.services.users
    member: MemberRead = await (
        users.claim_account(community.id, redemption) if claim else users.reset_password(community.id, redemption)
    )
    token = ctx.issuer.issue(member_id=member.id, community_id=member.community_id)
    return AuthPayload(token=token, user=User.from_read(member))
