"""Communities: create (admin) and look up by slug (anyone)."""

from __future__ import annotations

import strawberry

from gateway.context import Info
from gateway.graphql.types import Community
from users_service.schemas import CommunityCreate


@strawberry.input
class CreateCommunityInput:
    slug: str
    name: str
    timezone: str = "UTC"
    parent_id: strawberry.ID | None = strawberry.field(
        default=None, description="Makes this a partner sub-community of that community."
    )


@strawberry.type
class CommunityQuery:
    @strawberry.field(description="A community by its slug; public, so that sign-up pages can find it.")
    async def community(self, info: Info, slug: str) -> Community | None:
        return Community.from_read(await info.context.services.users.get_community_by_slug(slug))


@strawberry.type
class CommunityMutation:
    @strawberry.mutation(description="Platform admin only.")
    async def create_community(self, info: Info, input: CreateCommunityInput) -> Community:
        info.context.require_admin()
        community_in = CommunityCreate(
            slug=input.slug, name=input.name, timezone=input.timezone, parent_id=input.parent_id
        )
        return Community.from_read(await info.context.services.users.create_community(community_in))
