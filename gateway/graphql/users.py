"""Members: register, log in, who am I, and roles."""

from __future__ import annotations

import strawberry

from gateway.context import Info
from gateway.graphql.enums import Role
from gateway.graphql.types import User
from gateway.graphql.users_enums import AcquisitionChannel
from users_service.schemas import Credentials, MemberCreate, RoleChange


@strawberry.input
class RegisterUserInput:
    community_slug: str
    handle: str
    display_name: str
    password: str | None = strawberry.field(default=None, description="Optional; needed later for `login`.")
    channel: AcquisitionChannel | None = strawberry.field(
        default=None, description="Where the sign-up came from, when the sign-up page knows it (CAC per channel)."
    )


@strawberry.input
class LoginInput:
    community_slug: str
    handle: str
    password: str


@strawberry.input
class GrantRoleInput:
    community_id: strawberry.ID | None = strawberry.field(
        default=None, description="Required with the admin key; an operator's token implies their community."
    )
    handle: str
    role: Role


@strawberry.input
class RevokeRoleInput:
    community_id: strawberry.ID | None = None
    handle: str
    role: Role


@strawberry.type
class AuthPayload:
    token: str
    user: User


@strawberry.type
class UserQuery:
    @strawberry.field(description="The calling member.")
    async def me(self, info: Info) -> User | None:
        return User.from_read(await info.context.require_member())


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
        community_id = await info.context.operator_community(input.community_id)
        change = RoleChange(handle=input.handle, role=input.role.value)
        return User.from_read(await info.context.services.users.grant_role(community_id, change))

    @strawberry.mutation(description="Admin, or an operator of the community. MEMBER cannot be revoked.")
    async def revoke_role(self, info: Info, input: RevokeRoleInput) -> User:
        community_id = await info.context.operator_community(input.community_id)
        change = RoleChange(handle=input.handle, role=input.role.value)
        return User.from_read(await info.context.services.users.revoke_role(community_id, change))
