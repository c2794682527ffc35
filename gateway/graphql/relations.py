"""A member's feed relations: the authors they follow (more of their content) and block (none of it)."""

from __future__ import annotations

import strawberry

from distribution_service.schemas import AuthorRelations as AuthorRelationsRead
from gateway.context import Info
from gateway.graphql.pagination import check_first


@strawberry.type(description="Authors the signed-in member follows and blocks, newest first.")
class AuthorRelations:
    following_ids: strawberry.Private[list[str]]
    blocked_ids: strawberry.Private[list[str]]

    @strawberry.field(description="Authors whose content the member's feed draws on (at most 100).")
    def following(self, first: int = 100) -> list[strawberry.ID]:
        return [strawberry.ID(a) for a in self.following_ids[: check_first(first)]]

    @strawberry.field(description="Authors whose content never reaches the member's feed or pushes (at most 100).")
    def blocked(self, first: int = 100) -> list[strawberry.ID]:
        return [strawberry.ID(a) for a in self.blocked_ids[: check_first(first)]]

    @staticmethod
    def from_read(read: AuthorRelationsRead) -> AuthorRelations:
        return AuthorRelations(following_ids=read.follows, blocked_ids=read.blocks)


@strawberry.input
class FollowAuthorInput:
    author_id: strawberry.ID = strawberry.field(description="A member of the caller's community, not the caller.")


@strawberry.input
class UnfollowAuthorInput:
    author_id: strawberry.ID


@strawberry.input
class BlockAuthorInput:
    author_id: strawberry.ID = strawberry.field(description="A member of the caller's community, not the caller.")


@strawberry.input
class UnblockAuthorInput:
    author_id: strawberry.ID


@strawberry.type
class RelationsQuery:
    @strawberry.field(description="The authors the caller follows and blocks.")
    async def my_author_relations(self, info: Info) -> AuthorRelations:
        member = await info.context.require_member()
        read = await info.context.services.distribution.member_relations(member.community_id, member.id)
        return AuthorRelations.from_read(read)


@strawberry.type
class RelationsMutation:
    @strawberry.mutation(description="Follow an author: their content becomes feed candidates. Repeating is fine.")
    async def follow_author(self, info: Info, input: FollowAuthorInput) -> AuthorRelations:
        member = await info.context.require_member()
        distribution = info.context.services.distribution
        return AuthorRelations.from_read(
            await distribution.follow_author(member.community_id, member.id, str(input.author_id))
        )

    @strawberry.mutation(description="Stop following an author. Repeating is fine.")
    async def unfollow_author(self, info: Info, input: UnfollowAuthorInput) -> AuthorRelations:
        member = await info.context.require_member()
        distribution = info.context.services.distribution
        return AuthorRelations.from_read(
            await distribution.unfollow_author(member.community_id, member.id, str(input.author_id))
        )

    @strawberry.mutation(
        description="Block an author: their content never reaches the caller's feed or pushes; ends a follow."
    )
    async def block_author(self, info: Info, input: BlockAuthorInput) -> AuthorRelations:
        member = await info.context.require_member()
        distribution = info.context.services.distribution
        return AuthorRelations.from_read(
            await distribution.block_author(member.community_id, member.id, str(input.author_id))
        )

    @strawberry.mutation(description="Lift a block (a follow it ended is not restored). Repeating is fine.")
    async def unblock_author(self, info: Info, input: UnblockAuthorInput) -> AuthorRelations:
        member = await info.context.require_member()
        distribution = info.context.services.distribution
        return AuthorRelations.from_read(
            await distribution.unblock_author(member.community_id, member.id, str(input.author_id))
        )
